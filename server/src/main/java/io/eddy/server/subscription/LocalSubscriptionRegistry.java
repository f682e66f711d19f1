package io.eddy.server.subscription;

import io.eddy.server.session.Session;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Subscriptions of this node. Each name maps to a copy-on-write array of sessions: a fan-out reads one volatile
 * reference and walks a plain array, with no lock, iterator or allocation per message; subscribing pays the copy.
 */
public final class LocalSubscriptionRegistry implements SubscriptionRegistry {

    private static final Session[] NONE = new Session[0];

    private final ConcurrentHashMap<String, Session[]> subscribers = new ConcurrentHashMap<>();
    private final List<SubscriptionObserver> observers = new CopyOnWriteArrayList<>();

    @Override
    public void add(String name, Session session) {
        Session[] after = subscribers.merge(name, new Session[] {session}, (current, added) -> {
            Session[] grown = Arrays.copyOf(current, current.length + 1);
            grown[current.length] = session;
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
