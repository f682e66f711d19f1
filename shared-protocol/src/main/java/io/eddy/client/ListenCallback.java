package io.eddy.client;

/**
 * Called when the server asks this client to provide an event or record name that matches a listened pattern
 * (SUBSCRIPTION_FOR_PATTERN_FOUND). Runs on the client's I/O thread and must not block; the response may be given
 * later, from any thread, but the server only waits for it briefly (deepstream: 500 ms).
 */
@FunctionalInterface
public interface ListenCallback {

    /**
     * @param name     the concrete event or record name some client subscribed to
     * @param response accept or reject it, and learn when it is no longer needed
     */
    void onMatch(String name, ListenResponse response);
}
