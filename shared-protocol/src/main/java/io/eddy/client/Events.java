package io.eddy.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Events: publish/subscribe by name, and listening (active providers). Obtained from {@link EddyClient#event()}.
 * <p>
 * Every method is thread-safe and returns at once; the work happens on the client's I/O thread, in call order.
 * Callbacks run on that thread and must not block. Futures complete there too, so stages chained with
 * {@code thenApply}/{@code thenAccept} run on it as well; use the {@code …Async} variants for blocking work.
 * <p>
 * Subscriptions and listens belong to the client, not to a connection: made before login or while reconnecting,
 * they reach the server at the next login, and after a reconnect every one is sent again. Their futures complete
 * when the server acknowledges them, on the current connection or, after a loss, on the next one; they fail with
 * an {@link EddyClientException} on {@code ACK_TIMEOUT} (no acknowledgement within the subscription timeout),
 * {@code MESSAGE_DENIED} or when the client stops.
 * <p>
 * Event data arrives as a Jackson {@link JsonNode}: an emit without data gives {@link MissingNode}, JSON
 * {@code null} gives a {@code NullNode}. All callbacks of one name share the node of one event; do not modify it.
 */
public final class Events {

    private final Connection connection;
    private final EventTopic topic;
    private final ObjectMapper json;

    Events(Connection connection, EventTopic topic, ObjectMapper json) {
        this.connection = connection;
        this.topic = topic;
        this.json = json;
    }

    /**
     * Adds a callback for an event name. The first callback of a name sends SUBSCRIBE; later ones are only added
     * locally, and their future completes with the first one's acknowledgement.
     */
    public CompletableFuture<Void> subscribe(String name, Consumer<JsonNode> callback) {
        return subscribe(List.of(requireName(name, "name")), callback);
    }

    /**
     * Adds one callback to several names; the names not subscribed yet go in one bulk SUBSCRIBE with one
     * correlation id. The future completes when all of them are acknowledged.
     */
    public CompletableFuture<Void> subscribe(Collection<String> names, Consumer<JsonNode> callback) {
        Objects.requireNonNull(callback, "callback");
        List<String> distinct = new ArrayList<>(new LinkedHashSet<>(Objects.requireNonNull(names, "names")));
        if (distinct.isEmpty()) {
            throw new IllegalArgumentException("no event names");
        }
        distinct.forEach(n -> requireName(n, "names"));
        CompletableFuture<Void> result = new CompletableFuture<>();
        connection.execute(() -> topic.subscribe(distinct, callback, result), result);
        return result;
    }

    /**
     * Removes every callback of a name and sends UNSUBSCRIBE; completes on its acknowledgement, at once when the
     * name was not subscribed or the client is not logged in (the server then holds no subscription).
     */
    public CompletableFuture<Void> unsubscribe(String name) {
        return unsubscribe0(requireName(name, "name"), null);
    }

    /** Removes one callback; UNSUBSCRIBE is sent when it was the name's last. */
    public CompletableFuture<Void> unsubscribe(String name, Consumer<JsonNode> callback) {
        return unsubscribe0(requireName(name, "name"), Objects.requireNonNull(callback, "callback"));
    }

    /**
     * Publishes an event. {@code data} is serialized with Jackson; {@code null} sends no data field. This client's
     * own callbacks for the name are called too, on the I/O thread, as the server never echoes an emit to its
     * sender. While the client is not logged in the emit waits in a bounded offline buffer and is sent after the
     * next login; one that waited longer than the offline buffer timeout, or the oldest one when the buffer is
     * full, is dropped with a {@code CLIENT_OFFLINE} error. After the client stopped, emits are dropped.
     *
     * @throws IllegalArgumentException when Jackson cannot serialize {@code data}
     */
    public void emit(String name, Object data) {
        requireName(name, "name");
        String text;
        try {
            text = data == null ? null : json.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event data cannot be serialized: " + e.getOriginalMessage(), e);
        }
        connection.execute(() -> topic.emit(name, text));
    }

    /**
     * Offers to provide the event names matching {@code pattern} (a regular expression, tested unanchored by the
     * server) when some client subscribes to them. Completes when the server acknowledges the LISTEN; fails with
     * {@code INVALID_LISTEN_REGEX} when the server refuses the pattern, or {@code LISTENER_EXISTS} when this
     * client already listens to it.
     */
    public CompletableFuture<Void> listen(String pattern, ListenCallback callback) {
        requireName(pattern, "pattern");
        Objects.requireNonNull(callback, "callback");
        CompletableFuture<Void> result = new CompletableFuture<>();
        connection.execute(() -> topic.listening().listen(pattern, callback, result), result);
        return result;
    }

    /**
     * Stops listening to a pattern. The onStop callbacks of the names accepted under it run, because the server
     * sends no SUBSCRIPTION_FOR_PATTERN_REMOVED for them. Completes on the acknowledgement, at once when the
     * pattern was not listened to.
     */
    public CompletableFuture<Void> unlisten(String pattern) {
        requireName(pattern, "pattern");
        CompletableFuture<Void> result = new CompletableFuture<>();
        connection.execute(() -> topic.listening().unlisten(pattern, result), result);
        return result;
    }

    private CompletableFuture<Void> unsubscribe0(String name, Consumer<JsonNode> callback) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        connection.execute(() -> topic.unsubscribe(name, callback, result), result);
        return result;
    }

    private static String requireName(String name, String what) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException(what + " must be a non-empty string");
        }
        return name;
    }
}
