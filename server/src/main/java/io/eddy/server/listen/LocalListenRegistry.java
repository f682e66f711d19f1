package io.eddy.server.listen;

import io.eddy.protocol.Message;
import io.eddy.server.session.Session;
import io.eddy.server.subscription.SubscriptionObserver;
import io.eddy.server.subscription.SubscriptionRegistry;
import io.eddy.server.timer.Scheduler;
import io.eddy.server.timer.Timeout;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Listening on one node. All state sits behind one lock: listening changes rarely compared to messages, and one
 * lock keeps the provider search (ask, time out, ask the next) free of races between subscribers, providers and the
 * timer. Work done under the lock is bookkeeping and queueing messages; nothing blocks.
 * <p>
 * Patterns are JavaScript regular expressions tested unanchored, like deepstream's {@code RegExp.test}; Java's
 * {@link java.util.regex.Matcher#find()} gives the same result for the syntax both share.
 */
public final class LocalListenRegistry implements ListenRegistry, SubscriptionObserver, AutoCloseable {

    private record Candidate(Session session, String pattern) {
    }

    private static final class Search {
        final String name;
        final ArrayDeque<Candidate> remaining;
        Candidate current;
        Timeout timeout = Timeout.NONE;

        Search(String name, ArrayDeque<Candidate> remaining) {
            this.name = name;
            this.remaining = remaining;
        }
    }

    private final ListenActions actions;
    private final SubscriptionRegistry subscriptions;
    private final Scheduler scheduler;
    private final ListenSettings settings;
    private final ProviderObserver providerObserver;
    private final Timeout rematch;

    private final Object lock = new Object();
    private final Map<String, Pattern> patterns = new LinkedHashMap<>();
    private final Map<String, Set<Session>> listeners = new HashMap<>();
    private final Map<Session, Set<String>> patternsBySession = new HashMap<>();
    private final Map<String, Candidate> providers = new HashMap<>();
    private final Map<String, Search> searches = new HashMap<>();

    public LocalListenRegistry(ListenActions actions, SubscriptionRegistry subscriptions, Scheduler scheduler,
                               ListenSettings settings, ProviderObserver providerObserver) {
        this.actions = actions;
        this.subscriptions = subscriptions;
        this.scheduler = scheduler;
        this.settings = settings;
        this.providerObserver = providerObserver;
        subscriptions.addObserver(this);
        rematch = settings.rematchEnabled()
                ? scheduler.scheduleAtFixedRate(this::rematch, settings.rematchInterval())
                : Timeout.NONE;
    }

    @Override
    public void listen(Session session, String pattern) {
        Pattern compiled;
        try {
            compiled = Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            session.send(message(actions.invalidRegex()).name(pattern));
            return;
        }
        synchronized (lock) {
            Set<String> own = patternsBySession.computeIfAbsent(session, s -> new HashSet<>());
            if (!own.add(pattern)) {
                // deepstream 7.0.2 crashes here; the reply mirrors a duplicate subscribe: a notice, then the ack
                session.send(message(actions.multipleSubscriptions()).name(pattern).originalAction(actions.listen()));
            } else {
                patterns.putIfAbsent(pattern, compiled);
                listeners.computeIfAbsent(pattern, p -> new LinkedHashSet<>()).add(session);
                offerExistingSubscriptions(session, pattern, compiled);
            }
        }
        session.send(message(actions.listen()).name(pattern).isAck(true));
    }

    @Override
    public void unlisten(Session session, String pattern) {
        synchronized (lock) {
            Set<String> own = patternsBySession.get(session);
            if (own == null || !own.remove(pattern)) {
                return; // deepstream sends nothing either
            }
            if (own.isEmpty()) {
                patternsBySession.remove(session);
            }
            removeListener(session, pattern);
        }
        session.send(message(actions.unlisten()).name(pattern).isAck(true));
    }

    @Override
    public void accept(Session session, String pattern, String name) {
        synchronized (lock) {
            Search search = searches.get(name);
            if (search == null || search.current == null || search.current.session() != session) {
                releaseLateAcceptor(session, pattern, name);
                return;
            }
            search.timeout.cancel();
            searches.remove(name);
            providers.put(name, search.current);
            if (subscriptions.hasSubscribers(name)) {
                providerObserver.onProviderAdded(name);
            } else {
                onLastSubscriberRemoved(name);
            }
        }
    }

    /**
     * An ACCEPT that arrives after its response timeout, or after the last subscriber left, comes from a client that
     * now believes it provides the name. deepstream ignores it and the provider keeps providing for nobody; telling it
     * REMOVED at once runs its onStop callback instead. Clients that do not listen with the pattern are ignored.
     */
    private void releaseLateAcceptor(Session session, String pattern, String name) {
        Set<String> own = patternsBySession.get(session);
        Candidate provider = providers.get(name);
        boolean isProvider = provider != null && provider.session() == session;
        if (own != null && own.contains(pattern) && !isProvider) {
            session.send(message(actions.removed()).name(pattern).subscription(name));
        }
    }

    @Override
    public void reject(Session session, String pattern, String name) {
        synchronized (lock) {
            Search search = searches.get(name);
            if (search != null && search.current != null && search.current.session() == session) {
                search.timeout.cancel();
                askNext(search);
            }
        }
    }

    @Override
    public boolean isProvided(String name) {
        synchronized (lock) {
            return providers.containsKey(name);
        }
    }

    @Override
    public void onSessionClosed(Session session) {
        synchronized (lock) {
            Set<String> own = patternsBySession.remove(session);
            if (own != null) {
                for (String pattern : own) {
                    removeListener(session, pattern);
                }
            }
        }
    }

    @Override
    public void onFirstSubscriber(String name) {
        synchronized (lock) {
            if (subscriptions.hasSubscribers(name) && !providers.containsKey(name) && !searches.containsKey(name)) {
                startSearch(name);
            }
        }
    }

    @Override
    public void onLastSubscriberRemoved(String name) {
        synchronized (lock) {
            if (subscriptions.hasSubscribers(name)) {
                return;
            }
            Candidate provider = providers.remove(name);
            if (provider != null) {
                provider.session().send(message(actions.removed()).name(provider.pattern()).subscription(name));
            }
            Search search = searches.remove(name);
            if (search != null) {
                search.timeout.cancel();
            }
        }
    }

    @Override
    public void close() {
        rematch.cancel();
        synchronized (lock) {
            searches.values().forEach(s -> s.timeout.cancel());
            searches.clear();
        }
    }

    private void offerExistingSubscriptions(Session session, String pattern, Pattern compiled) {
        for (String name : subscriptions.names()) {
            if (providers.containsKey(name) || !compiled.matcher(name).find()) {
                continue;
            }
            Search running = searches.get(name);
            if (running != null) {
                running.remaining.addLast(new Candidate(session, pattern));
            } else {
                startSearch(name);
            }
        }
    }

    /** Forgets one (session, pattern) pair: it leaves running searches and hands over what it provided. */
    private void removeListener(Session session, String pattern) {
        Set<Session> sessions = listeners.get(pattern);
        if (sessions != null) {
            sessions.remove(session);
            if (sessions.isEmpty()) {
                listeners.remove(pattern);
                patterns.remove(pattern);
            }
        }
        for (Search search : new ArrayList<>(searches.values())) {
            search.remaining.removeIf(c -> c.session() == session && c.pattern().equals(pattern));
            Candidate current = search.current;
            if (current != null && current.session() == session && current.pattern().equals(pattern)) {
                search.timeout.cancel();
                askNext(search);
            }
        }
        List<String> handedBack = new ArrayList<>();
        for (Iterator<Map.Entry<String, Candidate>> it = providers.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Candidate> e = it.next();
            if (e.getValue().session() == session && e.getValue().pattern().equals(pattern)) {
                it.remove();
                handedBack.add(e.getKey());
            }
        }
        for (String name : handedBack) {
            providerObserver.onProviderRemoved(name);
            if (subscriptions.hasSubscribers(name)) {
                startSearch(name);
            }
        }
    }

    private void startSearch(String name) {
        List<Candidate> candidates = new ArrayList<>();
        for (Map.Entry<String, Pattern> p : patterns.entrySet()) {
            if (p.getValue().matcher(name).find()) {
                for (Session s : listeners.getOrDefault(p.getKey(), Set.of())) {
                    candidates.add(new Candidate(s, p.getKey()));
                }
            }
        }
        if (candidates.isEmpty()) {
            return;
        }
        if (settings.shuffleProviders()) {
            Collections.shuffle(candidates, ThreadLocalRandom.current());
        }
        Search search = new Search(name, new ArrayDeque<>(candidates));
        searches.put(name, search);
        askNext(search);
    }

    private void askNext(Search search) {
        Candidate next = search.remaining.pollFirst();
        search.current = next;
        if (next == null) {
            searches.remove(search.name); // unprovided until a new listener, subscriber or the rematch
            return;
        }
        next.session().send(message(actions.found()).name(next.pattern()).subscription(search.name));
        search.timeout = scheduler.schedule(() -> onResponseTimeout(search, next), settings.responseTimeout());
    }

    private void onResponseTimeout(Search search, Candidate asked) {
        synchronized (lock) {
            if (searches.get(search.name) == search && search.current == asked) {
                asked.session().send(message(actions.responseTimeout()).subscription(search.name));
                askNext(search);
            }
        }
    }

    private void rematch() {
        synchronized (lock) {
            if (patterns.isEmpty()) {
                return;
            }
            for (String name : subscriptions.names()) {
                if (!providers.containsKey(name) && !searches.containsKey(name)) {
                    startSearch(name);
                }
            }
        }
    }

    private Message message(int action) {
        return new Message(actions.topic(), action);
    }
}
