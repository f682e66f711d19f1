package io.eddy.client;

/**
 * Told about every change of {@link ConnectionState}. Runs on the client's I/O thread and must not block.
 */
@FunctionalInterface
public interface ConnectionStateListener {

    void onStateChanged(ConnectionState state);
}
