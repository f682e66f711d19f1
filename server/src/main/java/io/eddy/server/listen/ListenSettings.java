package io.eddy.server.listen;

import java.time.Duration;

/**
 * @param responseTimeout  how long a provider may take to accept or reject before the next one is asked
 * @param rematchInterval  how often unprovided names are offered again; 1 s or less disables it, as in deepstream
 * @param shuffleProviders ask candidate providers in random order
 */
public record ListenSettings(Duration responseTimeout, Duration rematchInterval, boolean shuffleProviders) {

    public static ListenSettings defaults() {
        return new ListenSettings(Duration.ofMillis(500), Duration.ofSeconds(30), true);
    }

    boolean rematchEnabled() {
        return rematchInterval.toMillis() > 1000;
    }
}
