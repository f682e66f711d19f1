package io.eddy.client;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Presence (presence.md): which users are online, and callbacks when they come and go. Obtained from
 * {@link EddyClient#presence()}. A user is the id the server's authentication returned; it is online while at least
 * one of its connections is logged in.
 * <p>
 * Every method is thread-safe and returns at once; the work happens on the client's I/O thread, in call order.
 * Callbacks run on that thread and must not block; futures complete there too.
 * <p>
 * <b>Subscriptions</b> belong to the client, not to a connection: made before login or while reconnecting, they
 * reach the server at the next login, and after a reconnect every one is sent again (changes that happened while
 * the client was offline are not reported). The first callback for everybody sends SUBSCRIBE_ALL and the last one
 * removed UNSUBSCRIBE_ALL; the first callback of a user sends SUBSCRIBE and its last one UNSUBSCRIBE. Futures
 * complete when the server acknowledges, and fail with an {@link EddyClientException} on {@code ACK_TIMEOUT},
 * {@code MESSAGE_DENIED} (the refused callbacks are then removed) or when the client stops.
 * <p>
 * <b>Queries</b> fail with {@code RESPONSE_TIMEOUT} when the server does not answer within the subscription
 * timeout, with {@code MESSAGE_DENIED} when it refuses, and with {@code CLIENT_OFFLINE} when the connection is lost
 * before the answer. Made while the client is not logged in, a query waits up to the offline buffer timeout for
 * the next login, then fails with {@code CLIENT_OFFLINE}.
 */
public final class Presence {

    private final Connection connection;
    private final PresenceTopic topic;

    Presence(Connection connection, PresenceTopic topic) {
        this.connection = connection;
        this.topic = topic;
    }

    /** The users online now, except this client's own user (QUERY_ALL). */
    public CompletableFuture<List<String>> getAll() {
        CompletableFuture<List<String>> result = new CompletableFuture<>();
        connection.execute(() -> topic.queryAll(result), result);
        return result;
    }

    /**
     * Whether each of {@code users} is online now (QUERY), in the order asked; this client's own user is included
     * when asked for. An empty collection completes at once with an empty map.
     */
    public CompletableFuture<Map<String, Boolean>> getAll(Collection<String> users) {
        List<String> distinct = new ArrayList<>(new LinkedHashSet<>(Objects.requireNonNull(users, "users")));
        distinct.forEach(Presence::requireUser);
        if (distinct.isEmpty()) {
            return CompletableFuture.completedFuture(Map.of());
        }
        CompletableFuture<Map<String, Boolean>> result = new CompletableFuture<>();
        connection.execute(() -> topic.query(distinct, result), result);
        return result;
    }

    /** Adds a callback told about every user that comes online or goes offline. */
    public CompletableFuture<Void> subscribe(PresenceCallback callback) {
        Objects.requireNonNull(callback, "callback");
        CompletableFuture<Void> result = new CompletableFuture<>();
        connection.execute(() -> topic.subscribeAll(callback, result), result);
        return result;
    }

    /** Adds a callback told when {@code user} comes online or goes offline. */
    public CompletableFuture<Void> subscribe(String user, PresenceCallback callback) {
        requireUser(user);
        Objects.requireNonNull(callback, "callback");
        CompletableFuture<Void> result = new CompletableFuture<>();
        connection.execute(() -> topic.subscribe(user, callback, result), result);
        return result;
    }

    /**
     * Removes a callback added with {@link #subscribe(PresenceCallback)}. Completes on the acknowledgement of the
     * UNSUBSCRIBE_ALL the last one sends, otherwise at once.
     */
    public CompletableFuture<Void> unsubscribe(PresenceCallback callback) {
        Objects.requireNonNull(callback, "callback");
        CompletableFuture<Void> result = new CompletableFuture<>();
        connection.execute(() -> topic.unsubscribeAll(callback, result), result);
        return result;
    }

    /** Removes every callback of {@code user} and sends UNSUBSCRIBE; completes on its acknowledgement. */
    public CompletableFuture<Void> unsubscribe(String user) {
        return unsubscribe0(requireUser(user), null);
    }

    /** Removes one callback of {@code user}; UNSUBSCRIBE is sent when it was the user's last. */
    public CompletableFuture<Void> unsubscribe(String user, PresenceCallback callback) {
        return unsubscribe0(requireUser(user), Objects.requireNonNull(callback, "callback"));
    }

    /**
     * Removes every presence callback, for everybody and per user, as the JavaScript client's
     * {@code presence.unsubscribe()}: one bulk UNSUBSCRIBE and UNSUBSCRIBE_ALL. Completes on their acknowledgements.
     */
    public CompletableFuture<Void> unsubscribe() {
        CompletableFuture<Void> result = new CompletableFuture<>();
        connection.execute(() -> topic.unsubscribeEverything(result), result);
        return result;
    }

    private CompletableFuture<Void> unsubscribe0(String user, PresenceCallback callback) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        connection.execute(() -> topic.unsubscribe(user, callback, result), result);
        return result;
    }

    private static String requireUser(String user) {
        if (user == null || user.isEmpty()) {
            throw new IllegalArgumentException("user names must be non-empty strings");
        }
        return user;
    }
}
