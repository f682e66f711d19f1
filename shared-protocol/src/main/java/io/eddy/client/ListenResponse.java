package io.eddy.client;

import java.util.function.Consumer;

/**
 * The answer to one {@link ListenCallback#onMatch} call. Only the first of {@link #accept()} and {@link #reject()}
 * counts; answers given after the connection was lost are dropped, because the server forgot the request. All
 * methods are thread-safe.
 */
public interface ListenResponse {

    /** Become the provider of the name: sends LISTEN_ACCEPT. */
    void accept();

    /** Decline; the server asks the next provider: sends LISTEN_REJECT. */
    void reject();

    /**
     * Called with the name when an accepted name is no longer needed: its last subscriber left
     * (SUBSCRIPTION_FOR_PATTERN_REMOVED), or this client's connection was lost. Runs on the I/O thread.
     */
    void onStop(Consumer<String> callback);
}
