package io.eddy.server.session;

import io.eddy.protocol.Message;

/** Handles the messages of one topic from logged-in sessions, on the session's I/O thread. */
public interface TopicHandler {

    void handle(Session session, Message message);

    /** Drops whatever the session registered. Runs on the session's I/O thread, once. */
    default void onSessionClosed(Session session) {
    }
}
