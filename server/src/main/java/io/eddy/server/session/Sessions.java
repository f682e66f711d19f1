package io.eddy.server.session;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;

/** The open sessions of a node, by connection id. */
public final class Sessions {

    private final ConcurrentHashMap<String, Session> byId = new ConcurrentHashMap<>();

    void add(Session session) {
        byId.put(session.id(), session);
    }

    void remove(Session session) {
        byId.remove(session.id(), session);
    }

    public Session get(String id) {
        return byId.get(id);
    }

    public int size() {
        return byId.size();
    }

    public Collection<Session> all() {
        return byId.values();
    }
}
