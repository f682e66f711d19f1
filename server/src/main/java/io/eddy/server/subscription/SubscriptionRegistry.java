package io.eddy.server.subscription;

import io.eddy.protocol.Message;
import io.eddy.server.session.Session;

import java.util.Collection;

/**
 * Who is subscribed to which name, for one topic. Thread-safe. Callers track per session what they subscribed,
 * so {@link #add} is only called for a new (name, session) pair and {@link #remove} only for an existing one.
 */
public interface SubscriptionRegistry {

    void add(String name, Session session);

    void remove(String name, Session session);

    /**
     * The current subscribers of a name, for fan-out, grouped by {@link Session#affinity()}. The array is an
     * immutable snapshot shared with other callers: iterate it, never modify it.
     */
    Session[] subscribers(String name);

    boolean hasSubscribers(String name);

    /** Names with at least one subscriber; a weakly consistent view. */
    Collection<String> names();

    /**
     * Sends a message to every subscriber of {@code name} except {@code except} (may be null). The message is
     * encoded once and the same bytes go to everyone; nothing is encoded when nobody would receive it.
     */
    void sendToSubscribers(String name, Message message, Session except);

    /** Observers hear about first subscribers and last unsubscriptions, after the change and outside any lock. */
    void addObserver(SubscriptionObserver observer);
}
