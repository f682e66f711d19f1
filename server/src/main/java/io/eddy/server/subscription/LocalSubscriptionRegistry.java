package io.eddy.server.subscription;

import io.eddy.protocol.Message;
import io.eddy.protocol.codec.MessageCodec;
import io.eddy.server.session.Session;
import io.eddy.server.session.Transport;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Subscriptions of this node. Each name maps to copy-on-write arrays of its sessions and their transports, grouped by
 * I/O thread: a fan-out reads one volatile reference, walks plain arrays and hands each I/O thread one task, with no
 * lock, iterator or allocation per subscriber; subscribing pays the copy. The transports are kept beside the sessions
 * so the per-subscriber work of a fan-out touches one object, not two.
 */
public final class LocalSubscriptionRegistry implements SubscriptionRegistry {

    private static final Session[] NONE = new Session[0];

    /**
     * {@code runs} holds where each I/O thread's group of transports starts, plus the end: a fan-out visits the
     * groups, not the subscribers.
     */
    private record Subscribers(Session[] sessions, Transport[] transports, int[] runs) {
        static Subscribers of(Session[] sessions, Transport[] transports) {
            int count = 0;
            for (int i = 0; i < transports.length; i++) {
                if (i == 0 || transports[i].affinity() != transports[i - 1].affinity()) {
                    count++;
                }
            }
            int[] runs = new int[count + 1];
            int r = 0;
            for (int i = 0; i < transports.length; i++) {
                if (i == 0 || transports[i].affinity() != transports[i - 1].affinity()) {
                    runs[r++] = i;
                }
            }
            runs[r] = transports.length;
            return new Subscribers(sessions, transports, runs);
        }
    }

    private final ConcurrentHashMap<String, Subscribers> subscribers = new ConcurrentHashMap<>();
    private final List<SubscriptionObserver> observers = new CopyOnWriteArrayList<>();

    @Override
    public void add(String name, Session session) {
        Subscribers after = subscribers.merge(name,
                Subscribers.of(new Session[] {session}, new Transport[] {session.transport()}),
                (current, added) -> with(current, session));
        if (after.sessions().length == 1) {
            for (SubscriptionObserver o : observers) {
                o.onFirstSubscriber(name);
            }
        }
    }

    @Override
    public void remove(String name, Session session) {
        boolean[] emptied = {false};
        subscribers.computeIfPresent(name, (n, current) -> {
            int i = indexOf(current.sessions(), session);
            if (i < 0) {
                return current;
            }
            if (current.sessions().length == 1) {
                emptied[0] = true;
                return null;
            }
            return without(current, i);
        });
        if (emptied[0]) {
            for (SubscriptionObserver o : observers) {
                o.onLastSubscriberRemoved(name);
            }
        }
    }

    @Override
    public Session[] subscribers(String name) {
        Subscribers s = subscribers.get(name);
        return s == null ? NONE : s.sessions();
    }

    @Override
    public void sendToSubscribers(String name, Message message, Session except) {
        Subscribers s = subscribers.get(name);
        if (s == null) {
            return;
        }
        Transport[] targets = s.transports();
        Transport skip = except == null ? null : except.transport();
        if (targets.length == 1 && targets[0] == skip) {
            return;
        }
        byte[] frame = MessageCodec.encode(message);
        int[] runs = s.runs();
        for (int r = 0; r < runs.length - 1; r++) {
            int from = runs[r];
            int to = runs[r + 1];
            if (to - from > 1 || targets[from] != skip) {
                targets[from].sendToAll(frame, targets, from, to, skip);
            }
        }
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

    /** Inserted after the last session of the same affinity, keeping sessions grouped by I/O thread. */
    private static Subscribers with(Subscribers current, Session session) {
        Session[] sessions = current.sessions();
        int affinity = session.affinity();
        int at = sessions.length;
        for (int i = sessions.length - 1; i >= 0; i--) {
            if (sessions[i].affinity() == affinity) {
                at = i + 1;
                break;
            }
        }
        Session[] grownSessions = new Session[sessions.length + 1];
        Transport[] grownTransports = new Transport[sessions.length + 1];
        System.arraycopy(sessions, 0, grownSessions, 0, at);
        System.arraycopy(current.transports(), 0, grownTransports, 0, at);
        grownSessions[at] = session;
        grownTransports[at] = session.transport();
        System.arraycopy(sessions, at, grownSessions, at + 1, sessions.length - at);
        System.arraycopy(current.transports(), at, grownTransports, at + 1, sessions.length - at);
        return Subscribers.of(grownSessions, grownTransports);
    }

    private static Subscribers without(Subscribers current, int i) {
        int n = current.sessions().length;
        Session[] sessions = new Session[n - 1];
        Transport[] transports = new Transport[n - 1];
        System.arraycopy(current.sessions(), 0, sessions, 0, i);
        System.arraycopy(current.sessions(), i + 1, sessions, i, n - i - 1);
        System.arraycopy(current.transports(), 0, transports, 0, i);
        System.arraycopy(current.transports(), i + 1, transports, i, n - i - 1);
        return Subscribers.of(sessions, transports);
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
