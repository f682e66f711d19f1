package io.eddy.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.eddy.protocol.EventAction;
import io.eddy.protocol.Message;
import io.eddy.protocol.Topic;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * The EVENT topic on the client (events.md): local callbacks per name, bulk SUBSCRIBE/UNSUBSCRIBE with their
 * acknowledgements, emits (buffered while offline) and incoming events; listening is delegated to
 * {@link Listening}. Confined to the client's event loop; {@link Events} is its public face.
 */
final class EventTopic implements TopicHandler {

    private final Connection connection;
    private final Notifier notifier;
    private final ObjectMapper json;
    private final PendingAcks acks;
    private final OfflineBuffer offline;
    private final Listening listening;

    /** Callbacks per subscribed name, in subscription order; each list is replaced, never changed in place. */
    private final Map<String, List<Consumer<JsonNode>>> callbacks = new LinkedHashMap<>();
    /** Names whose SUBSCRIBE is not acknowledged yet, also while it waits for the next login. */
    private final AckWaiters subscribing = new AckWaiters();
    /** Bulk correlation ids count per session, like the JavaScript client's. */
    private int nextCorrelationId;

    EventTopic(Connection connection, ClientOptions options, Notifier notifier) {
        this.connection = connection;
        this.notifier = notifier;
        this.json = options.json();
        this.acks = new PendingAcks(connection.loop(), options.subscriptionTimeout().toMillis(), this::ackTimedOut);
        this.offline = new OfflineBuffer(connection.loop(), options.offlineBufferTimeout().toNanos(),
                options.offlineBufferSize(), m -> notifier.error(Topic.EVENT, "CLIENT_OFFLINE", m.name()));
        this.listening = new Listening(Listening.Actions.EVENT, connection, acks, notifier);
    }

    Listening listening() {
        return listening;
    }

    // ---- calls from Events, on the event loop ------------------------------------------------------------------

    void subscribe(List<String> names, Consumer<JsonNode> callback, CompletableFuture<Void> result) {
        if (connection.isStopped()) {
            result.completeExceptionally(connection.stoppedException());
            return;
        }
        List<String> first = new ArrayList<>();
        List<CompletableFuture<Void>> acked = new ArrayList<>();
        for (String name : names) {
            List<Consumer<JsonNode>> current = callbacks.get(name);
            if (current == null) {
                callbacks.put(name, List.of(callback));
                first.add(name);
                acked.add(subscribing.add(name));
            } else {
                callbacks.put(name, with(current, callback));
                CompletableFuture<Void> waiting = subscribing.get(name);
                if (waiting != null) {
                    acked.add(waiting);
                }
            }
        }
        if (!first.isEmpty() && connection.isOpen()) {
            sendSubscribe(first);
        }
        completeWith(acked, result);
    }

    /** {@code callback} null removes every callback of the name. */
    void unsubscribe(String name, Consumer<JsonNode> callback, CompletableFuture<Void> result) {
        if (connection.isStopped()) {
            result.completeExceptionally(connection.stoppedException());
            return;
        }
        List<Consumer<JsonNode>> current = callbacks.get(name);
        List<Consumer<JsonNode>> remaining = current == null || callback == null ? List.of() : without(current, callback);
        if (current == null || !remaining.isEmpty()) {
            if (current != null) {
                callbacks.put(name, remaining);
            }
            result.complete(null);
            return;
        }
        callbacks.remove(name);
        if (connection.isOpen()) {
            String correlationId = nextCorrelationId();
            connection.write(new Message(Topic.EVENT, EventAction.UNSUBSCRIBE.code())
                    .names(List.of(name)).correlationId(correlationId));
            acks.add(EventAction.UNSUBSCRIBE, correlationId, List.of(name), result);
        } else {
            // the server holds nothing for this client now, and the next login will not subscribe the name
            subscribing.complete(name);
            result.complete(null);
        }
    }

    /** {@code data} is JSON text or null. */
    void emit(String name, String data) {
        if (connection.isStopped()) {
            return;
        }
        Message emit = new Message(Topic.EVENT, EventAction.EMIT.code()).name(name).data(data);
        if (connection.isOpen()) {
            connection.write(emit);
        } else {
            offline.add(emit);
        }
        // the server never echoes an emit to its sender; the sender's own callbacks are served here
        deliver(name, data);
    }

    // ---- messages from the server ------------------------------------------------------------------------------

    @Override
    public void handle(Message message) {
        EventAction action = EventAction.of(message.action());
        if (message.isAck()) {
            switch (action) {
                case SUBSCRIBE -> onSubscribeAck(message.correlationId());
                case UNSUBSCRIBE -> onUnsubscribeAck(message.correlationId());
                case LISTEN, UNLISTEN -> listening.onAck(action, message.name());
                default -> notifier.error(Topic.EVENT, "UNSOLICITED_MESSAGE", message.toString());
            }
            return;
        }
        switch (action) {
            case EMIT -> deliver(message.name(), message.data());
            case SUBSCRIPTION_FOR_PATTERN_FOUND -> listening.onFound(message.name(), message.subscription());
            case SUBSCRIPTION_FOR_PATTERN_REMOVED -> listening.onRemoved(message.subscription());
            case MESSAGE_DENIED, MESSAGE_PERMISSION_ERROR -> onDenied(action, message);
            case MULTIPLE_SUBSCRIPTIONS, INVALID_MESSAGE_DATA, NOT_SUBSCRIBED ->
                    notifier.error(Topic.EVENT, action.name(), message.name());
            case INVALID_LISTEN_REGEX -> {
                listening.onListenFailed(message.name(),
                        new EddyClientException(Topic.EVENT, action.name(), message.name()), true);
                notifier.error(Topic.EVENT, action.name(), message.name());
            }
            case LISTEN_RESPONSE_TIMEOUT -> notifier.error(Topic.EVENT, action.name(), message.subscription());
            default -> notifier.error(Topic.EVENT, "UNSOLICITED_MESSAGE", message.toString());
        }
    }

    private void onSubscribeAck(String correlationId) {
        PendingAcks.Request request = acks.remove(EventAction.SUBSCRIBE, correlationId);
        if (request != null) { // else not ours: something sent raw
            subscribing.complete(request.names);
        }
    }

    private void onUnsubscribeAck(String correlationId) {
        PendingAcks.Request request = acks.remove(EventAction.UNSUBSCRIBE, correlationId);
        if (request != null && request.done != null) {
            request.done.complete(null);
        }
    }

    private void onDenied(EventAction action, Message message) {
        String name = message.name();
        EddyClientException denied = new EddyClientException(Topic.EVENT, action.name(), name);
        Integer original = message.originalAction();
        if (original != null && original == EventAction.SUBSCRIBE.code()) {
            // as the JavaScript client: the callbacks of a refused name go, nothing would ever call them
            callbacks.remove(name);
            subscribing.fail(name, denied);
            acks.refuse(EventAction.SUBSCRIBE, message.correlationId(), name);
        } else if (original != null && original == EventAction.LISTEN.code()) {
            listening.onListenFailed(name, denied, true);
        }
        notifier.error(Topic.EVENT, action.name(), name);
    }

    private void ackTimedOut(PendingAcks.Request request) {
        String what = request.describe();
        EddyClientException timeout = new EddyClientException(Topic.EVENT, "ACK_TIMEOUT", what);
        switch ((EventAction) request.action) {
            case SUBSCRIBE -> subscribing.fail(request.names, timeout);
            case LISTEN -> listening.onListenFailed(request.names.get(0), timeout, false);
            default -> {
                if (request.done != null) {
                    request.done.completeExceptionally(timeout);
                }
            }
        }
        notifier.error(Topic.EVENT, "ACK_TIMEOUT", what);
    }

    // ---- session lifecycle ---------------------------------------------------------------------------------

    @Override
    public void onSessionOpened() {
        nextCorrelationId = 0;
        listening.restore();
        if (!callbacks.isEmpty()) {
            sendSubscribe(new ArrayList<>(callbacks.keySet()));
        }
        offline.drainTo(connection::write);
    }

    @Override
    public void onSessionLost() {
        nextCorrelationId = 0;
        acks.completeAll();
        subscribing.completeAllExcept(callbacks.keySet());
        listening.onSessionLost();
    }

    @Override
    public void onStopped(EddyClientException cause, boolean reportDiscarded) {
        acks.failAll(cause);
        subscribing.failAll(cause);
        listening.onStopped(cause);
        offline.discard(reportDiscarded);
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private void sendSubscribe(List<String> names) {
        String correlationId = nextCorrelationId();
        connection.write(new Message(Topic.EVENT, EventAction.SUBSCRIBE.code())
                .names(List.copyOf(names)).correlationId(correlationId));
        acks.add(EventAction.SUBSCRIBE, correlationId, names, null);
    }

    private String nextCorrelationId() {
        return Integer.toString(nextCorrelationId++);
    }

    private void deliver(String name, String data) {
        List<Consumer<JsonNode>> targets = callbacks.get(name);
        if (targets == null) {
            return;
        }
        JsonNode value;
        if (data == null) {
            value = MissingNode.getInstance();
        } else {
            try {
                value = json.readTree(data);
            } catch (JsonProcessingException e) {
                notifier.error(Topic.EVENT, "MESSAGE_PARSE_ERROR", name + ": data is not JSON");
                return;
            }
        }
        for (Consumer<JsonNode> callback : targets) {
            notifier.event(callback, name, value);
        }
    }

    private static List<Consumer<JsonNode>> with(List<Consumer<JsonNode>> list, Consumer<JsonNode> callback) {
        List<Consumer<JsonNode>> copy = new ArrayList<>(list.size() + 1);
        copy.addAll(list);
        copy.add(callback);
        return List.copyOf(copy);
    }

    private static List<Consumer<JsonNode>> without(List<Consumer<JsonNode>> list, Consumer<JsonNode> callback) {
        List<Consumer<JsonNode>> copy = new ArrayList<>(list);
        copy.removeIf(c -> c.equals(callback));
        return List.copyOf(copy);
    }

    /** Completes {@code result} once every future in {@code acked} completed, with the first failure if any. */
    static void completeWith(List<CompletableFuture<Void>> acked, CompletableFuture<Void> result) {
        if (acked.isEmpty()) {
            result.complete(null);
        } else if (acked.size() == 1) {
            completeWith(acked.get(0), result);
        } else {
            completeWith(CompletableFuture.allOf(acked.toArray(new CompletableFuture<?>[0])), result);
        }
    }

    static void completeWith(CompletableFuture<Void> source, CompletableFuture<Void> result) {
        source.whenComplete((v, failure) -> {
            if (failure == null) {
                result.complete(null);
            } else {
                result.completeExceptionally(failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure);
            }
        });
    }
}
