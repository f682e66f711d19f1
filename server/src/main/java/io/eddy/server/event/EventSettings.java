package io.eddy.server.event;

/** @param validateData refuse EMIT data that is not JSON (deepstream relays it and receiving clients crash) */
public record EventSettings(boolean validateData) {

    public static EventSettings defaults() {
        return new EventSettings(true);
    }
}
