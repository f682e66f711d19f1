package io.eddy.server.subscription;

import io.eddy.server.session.Session;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Subscriptions of this node. Each name maps to a copy-on-write array of sessions, grouped by I/O thread: a fan-out
 * reads one volatile reference and walks a plain array, with no lock, iterator or allocation per message;
 * subscribing pays the copy.
 */
public final class LocalSubscriptionRegistry implements SubscriptionRegistry {

    private static final Session[] NONE = new Session[0];

    private final ConcurrentHashMap<String, Session[]> subscribers = new ConcurrentHashMap<>();
    private final List<SubscriptionObserver> observers = new CopyOnWriteArrayList<>();

    @Override
    public void add(String name, Session session) {
        Session[] after = subscribers.merge(name, new Session[] {session}, (current, added) -> {
            // inserted after the last session of the same affinity, keeping sessions grouped by I/O thread
            int affinity = session.affinity();
            int at = current.length;
            for (int i = current.length - 1; i >= 0; i--) {
                if (current[i].affinity() == affinity) {
                    at = i + 1;
                    break;
                }
            }
            Session[] grown = new Session[current.length + 1];
            System.arraycopy(current, 0, grown, 0, at);
            grown[at] = session;
            System.arraycopy(current, at, grown, at + 1, current.length - at);
            return grown;
        });
        if (after.length == 1) {
            for (SubscriptionObserver o : observers) {
                o.onFirstSubscriber(name);
            }
        }
    }

    @Override
    public void remove(String name, Session session) {
        boolean[] emptied = {false};
        subscribers.computeIfPresent(name, (n, current) -> {
            int i = indexOf(current, session);
            if (i < 0) {
                return current;
            }
            if (current.length == 1) {
                emptied[0] = true;
                return null;
            }
            Session[] shrunk = new Session[current.length - 1];
            System.arraycopy(current, 0, shrunk, 0, i);
            System.arraycopy(current, i + 1, shrunk, i, current.length - i - 1);
            return shrunk;
        });
        if (emptied[0]) {
            for (SubscriptionObserver o : observers) {
                o.onLastSubscriberRemoved(name);
            }
        }
    }

    @Override
    public Session[] subscribers(String name) {
        Session[] s = subscribers.get(name);
        return s == null ? NONE : s;
    }

    @Override
    public boolean hasSubscribers(String name) {
        return subscribers.containsKey(name);
    }

    @Override
    public Collection<String> names() {
        return subscribers.keySet();
    }

    @Override
    public void addObserver(SubscriptionObserver observer) {
        observers.add(observer);
    }

    private static int indexOf(Session[] sessions, Session session) {
        for (int i = 0; i < sessions.length; i++) {
            if (sessions[i] == session) {
                return i;
            }
        }
        return -1;
    }
}
