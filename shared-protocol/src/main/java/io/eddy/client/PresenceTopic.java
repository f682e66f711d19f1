package io.eddy.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eddy.protocol.Message;
import io.eddy.protocol.PresenceAction;
import io.eddy.protocol.Topic;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The PRESENCE topic on the client (presence.md): callbacks for everybody (SUBSCRIBE_ALL / UNSUBSCRIBE_ALL when the
 * first is added / the last removed) and per user (bulk SUBSCRIBE / UNSUBSCRIBE), both with acknowledgements and
 * restored after a reconnect, and the two queries. QUERY_ALL carries no correlation id, so its answers are matched
 * to the requests in the order they were sent; QUERY answers by correlation id. Confined to the client's event
 * loop; {@link Presence} is its public face.
 */
final class PresenceTopic implements TopicHandler {

    /** SUBSCRIBE_ALL and UNSUBSCRIBE_ALL carry no correlation id; their acks are filed under this one. */
    private static final String NO_ID = "";

    /** A QUERY or QUERY_ALL, under way or waiting for the next login. */
    private static final class Query {
        final Message message;
        final CompletableFuture<?> result;
        /** The response timeout while under way, the offline deadline while unsent. */
        ScheduledFuture<?> timer;
        /** Timed out but still queued, to absorb the late answer; QUERY_ALL only. */
        boolean expired;

        Query(Message message, CompletableFuture<?> result) {
            this.message = message;
            this.result = result;
        }

        boolean isQueryAll() {
            return message.is(PresenceAction.QUERY_ALL);
        }
    }

    private final Connection connection;
    private final Notifier notifier;
    private final ObjectMapper json;
    private final PendingAcks acks;
    private final long responseTimeoutMillis;
    private final long offlineTimeoutMillis;

    /** Callbacks for everybody; replaced, never changed in place. */
    private List<PresenceCallback> everybody = List.of();
    /** The SUBSCRIBE_ALL not acknowledged yet, also while it waits for the next login. */
    private CompletableFuture<Void> subscribingAll;
    /** Callbacks per user, in subscription order; each list is replaced, never changed in place. */
    private final Map<String, List<PresenceCallback>> byUser = new LinkedHashMap<>();
    /** Users whose SUBSCRIBE is not acknowledged yet, also while it waits for the next login. */
    private final AckWaiters subscribing = new AckWaiters();
    /** QUERY_ALLs under way, oldest first: the server answers them in order. */
    private final ArrayDeque<Query> queryAlls = new ArrayDeque<>();
    /** QUERYs under way, by correlation id. */
    private final Map<String, Query> queries = new HashMap<>();
    /** Queries made while offline, in call order. */
    private final List<Query> unsent = new ArrayList<>();
    /** Bulk correlation ids count per session, shared by SUBSCRIBE and UNSUBSCRIBE, like the JavaScript client's. */
    private int nextBulkId;
    /** QUERY correlation ids count for the client's lifetime, like the JavaScript client's. */
    private int nextQueryId;

    PresenceTopic(Connection connection, ClientOptions options, Notifier notifier) {
        this.connection = connection;
        this.notifier = notifier;
        this.json = options.json();
        this.acks = new PendingAcks(connection.loop(), options.subscriptionTimeout().toMillis(), this::ackTimedOut);
        this.responseTimeoutMillis = options.subscriptionTimeout().toMillis();
        this.offlineTimeoutMillis = options.offlineBufferTimeout().toMillis();
    }

    // ---- calls from Presence, on the event loop -------------------------------------------------------------

    void subscribeAll(PresenceCallback callback, CompletableFuture<Void> result) {
        if (rejectStopped(result)) {
            return;
        }
        boolean first = everybody.isEmpty();
        everybody = with(everybody, callback);
        if (first) {
            if (subscribingAll == null) {
                subscribingAll = new CompletableFuture<>();
            }
            if (connection.isOpen()) {
                sendSubscribeAll();
            }
        }
        EventTopic.completeWith(subscribingAll == null ? CompletableFuture.completedFuture(null) : subscribingAll,
                result);
    }

    void unsubscribeAll(PresenceCallback callback, CompletableFuture<Void> result) {
        if (rejectStopped(result)) {
            return;
        }
        List<PresenceCallback> remaining = without(everybody, callback);
        if (remaining.size() == everybody.size()) {
            result.complete(null); // not subscribed with this callback
            return;
        }
        everybody = remaining;
        if (remaining.isEmpty()) {
            sendUnsubscribeAll(result);
        } else {
            result.complete(null);
        }
    }

    void subscribe(String user, PresenceCallback callback, CompletableFuture<Void> result) {
        if (rejectStopped(result)) {
            return;
        }
        List<PresenceCallback> current = byUser.get(user);
        byUser.put(user, current == null ? List.of(callback) : with(current, callback));
        CompletableFuture<Void> acked;
        if (current == null) {
            acked = subscribing.add(user);
            if (connection.isOpen()) {
                sendBulk(PresenceAction.SUBSCRIBE, List.of(user), null);
            }
        } else {
            acked = subscribing.get(user);
        }
        EventTopic.completeWith(acked == null ? CompletableFuture.completedFuture(null) : acked, result);
    }

    /** {@code callback} null removes every callback of the user. */
    void unsubscribe(String user, PresenceCallback callback, CompletableFuture<Void> result) {
        if (rejectStopped(result)) {
            return;
        }
        List<PresenceCallback> current = byUser.get(user);
        List<PresenceCallback> remaining = current == null || callback == null ? List.of() : without(current, callback);
        if (current == null || !remaining.isEmpty()) {
            if (current != null) {
                byUser.put(user, remaining);
            }
            result.complete(null);
            return;
        }
        byUser.remove(user);
        sendUnsubscribe(List.of(user), result);
    }

    /** Removes every callback, for everybody and per user. */
    void unsubscribeEverything(CompletableFuture<Void> result) {
        if (rejectStopped(result)) {
            return;
        }
        List<CompletableFuture<Void>> acked = new ArrayList<>(2);
        if (!byUser.isEmpty()) {
            List<String> users = new ArrayList<>(byUser.keySet());
            byUser.clear();
            CompletableFuture<Void> done = new CompletableFuture<>();
            sendUnsubscribe(users, done);
            acked.add(done);
        }
        if (!everybody.isEmpty()) {
            everybody = List.of();
            CompletableFuture<Void> done = new CompletableFuture<>();
            sendUnsubscribeAll(done);
            acked.add(done);
        }
        EventTopic.completeWith(acked, result);
    }

    void queryAll(CompletableFuture<List<String>> result) {
        if (!rejectStopped(result)) {
            query(Message.of(PresenceAction.QUERY_ALL), result);
        }
    }

    void query(List<String> users, CompletableFuture<Map<String, Boolean>> result) {
        if (!rejectStopped(result)) {
            query(Message.of(PresenceAction.QUERY).names(List.copyOf(users))
                    .correlationId(Integer.toString(nextQueryId++)), result);
        }
    }

    private void query(Message message, CompletableFuture<?> result) {
        Query query = new Query(message, result);
        if (connection.isOpen()) {
            send(query);
            return;
        }
        if (offlineTimeoutMillis == 0) {
            result.completeExceptionally(offline());
            return;
        }
        unsent.add(query);
        query.timer = schedule(() -> {
            if (unsent.remove(query)) {
                query.result.completeExceptionally(offline());
            }
        }, offlineTimeoutMillis);
    }

    private void send(Query query) {
        if (query.isQueryAll()) {
            queryAlls.addLast(query);
            query.timer = schedule(() -> {
                query.expired = true; // stays queued: the late answer belongs to it, not to the next query
                query.result.completeExceptionally(responseTimeout(query));
            }, responseTimeoutMillis);
        } else {
            String id = query.message.correlationId();
            queries.put(id, query);
            query.timer = schedule(() -> {
                if (queries.remove(id, query)) {
                    query.result.completeExceptionally(responseTimeout(query));
                }
            }, responseTimeoutMillis);
        }
        connection.write(query.message);
    }

    // ---- messages from the server ------------------------------------------------------------------------------

    @Override
    public void handle(Message message) {
        PresenceAction action = PresenceAction.of(message.action());
        if (message.isAck()) {
            onAck(action, message);
            return;
        }
        switch (action) {
            case PRESENCE_JOIN -> notifyUser(message.name(), true);
            case PRESENCE_LEAVE -> notifyUser(message.name(), false);
            case PRESENCE_JOIN_ALL -> notifyEverybody(message.name(), true);
            case PRESENCE_LEAVE_ALL -> notifyEverybody(message.name(), false);
            case QUERY_ALL_RESPONSE -> {
                Query query = pollQueryAll();
                if (query != null && !query.expired) {
                    @SuppressWarnings("unchecked")
                    CompletableFuture<List<String>> result = (CompletableFuture<List<String>>) query.result;
                    result.complete(List.copyOf(message.names()));
                }
            }
            case QUERY_RESPONSE -> onQueryResponse(message);
            case MESSAGE_DENIED, MESSAGE_PERMISSION_ERROR, INVALID_PRESENCE_USERS -> onError(action, message);
            case MULTIPLE_SUBSCRIPTIONS, NOT_SUBSCRIBED -> notifier.error(Topic.PRESENCE, action.name(),
                    message.name());
            default -> notifier.error(Topic.PRESENCE, "UNSOLICITED_MESSAGE", message.toString());
        }
    }

    private void onAck(PresenceAction action, Message message) {
        switch (action) {
            case SUBSCRIBE -> {
                PendingAcks.Request request = acks.remove(action, message.correlationId());
                if (request != null) {
                    subscribing.complete(request.names);
                }
            }
            case SUBSCRIBE_ALL -> {
                if (acks.remove(action, NO_ID) != null) {
                    endSubscribingAll(null);
                }
            }
            case UNSUBSCRIBE, UNSUBSCRIBE_ALL -> {
                PendingAcks.Request request = acks.remove(action,
                        action == PresenceAction.UNSUBSCRIBE ? message.correlationId() : NO_ID);
                if (request != null && request.done != null) {
                    request.done.complete(null);
                }
            }
            default -> notifier.error(Topic.PRESENCE, "UNSOLICITED_MESSAGE", message.toString());
        }
    }

    private void onQueryResponse(Message message) {
        Query query = message.correlationId() == null ? null : queries.remove(message.correlationId());
        if (query == null) {
            return; // timed out already, or not ours: something sent raw
        }
        query.timer.cancel(false);
        @SuppressWarnings("unchecked")
        CompletableFuture<Map<String, Boolean>> result = (CompletableFuture<Map<String, Boolean>>) query.result;
        JsonNode data;
        try {
            data = message.data() == null ? json.createObjectNode() : json.readTree(message.data());
        } catch (JsonProcessingException e) {
            data = null;
        }
        if (data == null || !data.isObject()) {
            result.completeExceptionally(new EddyClientException(Topic.PRESENCE, "MESSAGE_PARSE_ERROR",
                    "QUERY_RESPONSE data is not a JSON object"));
            return;
        }
        Map<String, Boolean> online = new LinkedHashMap<>();
        data.fields().forEachRemaining(e -> online.put(e.getKey(), e.getValue().asBoolean()));
        result.complete(Collections.unmodifiableMap(online));
    }

    /** A refusal: a query fails; a refused subscription is forgotten, as nothing would ever call its callbacks. */
    private void onError(PresenceAction action, Message message) {
        EddyClientException refused = new EddyClientException(Topic.PRESENCE, action.name(), message.name());
        PresenceAction original = message.originalAction() == null ? PresenceAction.UNKNOWN
                : PresenceAction.of(message.originalAction());
        switch (original) {
            case QUERY -> {
                Query query = message.correlationId() == null ? null : queries.remove(message.correlationId());
                if (query != null) {
                    query.timer.cancel(false);
                    query.result.completeExceptionally(refused);
                }
                return; // the caller learns it from the failed query
            }
            case QUERY_ALL -> {
                Query query = pollQueryAll();
                if (query != null && !query.expired) {
                    query.result.completeExceptionally(refused);
                }
                return;
            }
            case SUBSCRIBE -> {
                String user = message.name();
                byUser.remove(user);
                subscribing.fail(user, refused);
                acks.refuse(PresenceAction.SUBSCRIBE, message.correlationId(), user);
            }
            case SUBSCRIBE_ALL -> {
                everybody = List.of();
                acks.remove(PresenceAction.SUBSCRIBE_ALL, NO_ID);
                endSubscribingAll(refused);
            }
            default -> { }
        }
        notifier.error(Topic.PRESENCE, action.name(), message.name());
    }

    private void notifyUser(String user, boolean online) {
        List<PresenceCallback> callbacks = user == null ? null : byUser.get(user);
        if (callbacks != null) {
            for (PresenceCallback callback : callbacks) {
                notifier.run("presence callback for '" + user + "'", () -> callback.onPresenceChange(user, online));
            }
        }
    }

    private void notifyEverybody(String user, boolean online) {
        for (PresenceCallback callback : everybody) {
            notifier.run("presence callback for everybody", () -> callback.onPresenceChange(user, online));
        }
    }

    private Query pollQueryAll() {
        Query query = queryAlls.pollFirst();
        if (query != null) {
            query.timer.cancel(false);
        }
        return query;
    }

    private void ackTimedOut(PendingAcks.Request request) {
        String what = request.describe();
        EddyClientException timeout = new EddyClientException(Topic.PRESENCE, "ACK_TIMEOUT", what);
        if (request.action == PresenceAction.SUBSCRIBE) {
            subscribing.fail(request.names, timeout);
        } else if (request.action == PresenceAction.SUBSCRIBE_ALL) {
            endSubscribingAll(timeout);
        } else if (request.done != null) {
            request.done.completeExceptionally(timeout);
        }
        notifier.error(Topic.PRESENCE, "ACK_TIMEOUT", what);
    }

    // ---- session lifecycle ---------------------------------------------------------------------------------

    @Override
    public void onSessionOpened() {
        nextBulkId = 0;
        if (!byUser.isEmpty()) {
            sendBulk(PresenceAction.SUBSCRIBE, new ArrayList<>(byUser.keySet()), null);
        }
        if (!everybody.isEmpty()) {
            sendSubscribeAll();
        }
        List<Query> waiting = new ArrayList<>(unsent);
        unsent.clear();
        for (Query query : waiting) {
            query.timer.cancel(false);
            send(query);
        }
    }

    @Override
    public void onSessionLost() {
        nextBulkId = 0;
        acks.completeAll();
        subscribing.completeAllExcept(byUser.keySet());
        if (everybody.isEmpty()) {
            endSubscribingAll(null);
        }
        // queries under way are lost with the connection, as in the JavaScript client
        List<Query> lost = new ArrayList<>(queryAlls);
        lost.addAll(queries.values());
        queryAlls.clear();
        queries.clear();
        for (Query query : lost) {
            query.timer.cancel(false);
            if (!query.expired) {
                query.result.completeExceptionally(offline());
            }
        }
    }

    @Override
    public void onStopped(EddyClientException cause, boolean reportDiscarded) {
        acks.failAll(cause);
        subscribing.failAll(cause);
        endSubscribingAll(cause);
        List<Query> all = new ArrayList<>(queryAlls);
        all.addAll(queries.values());
        all.addAll(unsent);
        queryAlls.clear();
        queries.clear();
        unsent.clear();
        for (Query query : all) {
            if (query.timer != null) {
                query.timer.cancel(false);
            }
            query.result.completeExceptionally(cause);
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private void sendSubscribeAll() {
        connection.write(Message.of(PresenceAction.SUBSCRIBE_ALL));
        acks.add(PresenceAction.SUBSCRIBE_ALL, NO_ID, List.of(), null);
    }

    private void sendUnsubscribeAll(CompletableFuture<Void> result) {
        if (connection.isOpen()) {
            connection.write(Message.of(PresenceAction.UNSUBSCRIBE_ALL));
            acks.add(PresenceAction.UNSUBSCRIBE_ALL, NO_ID, List.of(), result);
        } else {
            // the server holds nothing for this client now, and the next login will not subscribe
            endSubscribingAll(null);
            result.complete(null);
        }
    }

    /** Completes the SUBSCRIBE_ALL future, if one waits; {@code failure} null for success. */
    private void endSubscribingAll(Throwable failure) {
        CompletableFuture<Void> waiting = subscribingAll;
        if (waiting == null) {
            return;
        }
        subscribingAll = null; // first, so a caller reacting to it may subscribe again
        if (failure == null) {
            waiting.complete(null);
        } else {
            waiting.completeExceptionally(failure);
        }
    }

    private void sendUnsubscribe(List<String> users, CompletableFuture<Void> result) {
        if (connection.isOpen()) {
            sendBulk(PresenceAction.UNSUBSCRIBE, users, result);
        } else {
            subscribing.complete(users);
            result.complete(null);
        }
    }

    private void sendBulk(PresenceAction action, List<String> users, CompletableFuture<Void> done) {
        String correlationId = Integer.toString(nextBulkId++);
        connection.write(Message.of(action).names(List.copyOf(users)).correlationId(correlationId));
        acks.add(action, correlationId, users, done);
    }

    private ScheduledFuture<?> schedule(Runnable task, long millis) {
        return connection.loop().schedule(task, millis, TimeUnit.MILLISECONDS);
    }

    private boolean rejectStopped(CompletableFuture<?> result) {
        if (!connection.isStopped()) {
            return false;
        }
        result.completeExceptionally(connection.stoppedException());
        return true;
    }

    private static EddyClientException offline() {
        return new EddyClientException(Topic.PRESENCE, "CLIENT_OFFLINE", "the client is not connected");
    }

    private static EddyClientException responseTimeout(Query query) {
        return new EddyClientException(Topic.PRESENCE, "RESPONSE_TIMEOUT",
                PresenceAction.of(query.message.action()).name());
    }

    private static List<PresenceCallback> with(List<PresenceCallback> list, PresenceCallback callback) {
        List<PresenceCallback> copy = new ArrayList<>(list.size() + 1);
        copy.addAll(list);
        copy.add(callback);
        return List.copyOf(copy);
    }

    private static List<PresenceCallback> without(List<PresenceCallback> list, PresenceCallback callback) {
        List<PresenceCallback> copy = new ArrayList<>(list);
        copy.removeIf(c -> c.equals(callback));
        return List.copyOf(copy);
    }
}
