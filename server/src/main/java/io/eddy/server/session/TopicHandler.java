package io.eddy.server.session;

import io.eddy.protocol.Message;

/** Handles the messages of one topic from logged-in sessions, on the session's I/O thread. */
public interface TopicHandler {

    void handle(Session session, Message message);

    /** The session logged in (AUTH_SUCCESSFUL has been sent). Runs on the session's I/O thread, once. */
    default void onSessionAuthenticated(Session session) {
    }

    /** Drops whatever the session registered. Runs on the session's I/O thread, once. */
    default void onSessionClosed(Session session) {
    }
}
