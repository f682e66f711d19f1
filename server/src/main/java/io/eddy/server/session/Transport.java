package io.eddy.server.session;

/**
 * The write side of one client connection, as the protocol layer sees it. Implementations never block the caller:
 * frames are queued and written by the connection's own I/O thread, in the order they were sent.
 */
public interface Transport {

    /** Queues one encoded message. Thread-safe; the array is shared with other connections and must not change. */
    void send(byte[] frame);

    /**
     * Sends one encoded message to {@code targets[from..to)} but {@code except}: transports that share this one's
     * {@link #affinity}, so the hand-over to their I/O thread is one task for all of them.
     */
    void sendToAll(byte[] frame, Transport[] targets, int from, int to, Transport except);

    /** Connections with the same affinity share an I/O thread. */
    int affinity();

    /** Closes the connection after every frame already queued has been written. */
    void close(CloseReason reason);

    /** Runs a task on the connection's I/O thread, after what is already queued there. */
    void execute(Runnable task);

    /** From now on several queued messages may share one WebSocket frame (Eddy's negotiated extension). */
    void enableMultiMessageFrames();

    String remoteAddress();
}
