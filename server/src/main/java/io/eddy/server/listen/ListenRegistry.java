package io.eddy.server.listen;

import io.eddy.server.session.Session;

/**
 * Active listening for one topic: providers register patterns, the registry asks one of them to provide each
 * subscribed name that matches, and hands the name to another provider when the active one leaves.
 */
public interface ListenRegistry {

    void listen(Session session, String pattern);

    void unlisten(Session session, String pattern);

    void accept(Session session, String pattern, String name);

    void reject(Session session, String pattern, String name);

    boolean isProvided(String name);

    void onSessionClosed(Session session);
}
