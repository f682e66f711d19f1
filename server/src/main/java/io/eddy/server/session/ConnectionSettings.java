package io.eddy.server.session;

import java.time.Duration;

/**
 * @param heartbeatInterval            a connection silent for more than twice this long is closed
 * @param unauthenticatedClientTimeout time from opening to a successful login
 * @param maxAuthAttempts              failed logins before TOO_MANY_AUTH_ATTEMPTS and a close
 * @param allowMultiMessageFrames      whether clients may negotiate several messages per frame
 * @param maxMessagesPerSecond         messages a connection may send per second (bursts up to a second's worth);
 *                                     a connection that sends more is closed; 0 turns the limit off
 */
public record ConnectionSettings(Duration heartbeatInterval, Duration unauthenticatedClientTimeout,
                                 int maxAuthAttempts, boolean allowMultiMessageFrames, int maxMessagesPerSecond) {

    public static ConnectionSettings defaults() {
        return new ConnectionSettings(Duration.ofSeconds(30), Duration.ofSeconds(180), 3, true, 50_000);
    }
}
