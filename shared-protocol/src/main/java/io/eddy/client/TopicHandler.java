package io.eddy.client;

import io.eddy.protocol.Message;

/**
 * The client side of one topic, as the {@link Connection} drives it. Every method runs on the client's I/O thread.
 * A topic only sends while a session is open; what it holds locally outlives connections and is restored in
 * {@link #onSessionOpened()}.
 */
interface TopicHandler {

    /** A message of this topic from the server. */
    void handle(Message message);

    /** Logged in, on a new connection: the server knows nothing of this client yet, so send everything it should. */
    void onSessionOpened();

    /** The logged-in connection is gone; the server dropped everything it held for it. */
    void onSessionLost();

    /**
     * The client stopped for good; fail what still waits.
     *
     * @param reportDiscarded whether dropped buffered work is worth an error callback (not after a deliberate close)
     */
    void onStopped(EddyClientException cause, boolean reportDiscarded);
}
