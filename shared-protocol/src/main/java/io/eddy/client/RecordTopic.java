package io.eddy.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import io.eddy.protocol.Action;
import io.eddy.protocol.Message;
import io.eddy.protocol.RecordAction;
import io.eddy.protocol.Topic;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The RECORD topic on the client (records.md): the records this client holds ({@link RecordCore}), bulk
 * subscriptions and their acknowledgements, reads and heads without subscribing, write acknowledgements, setData,
 * delete, notify and record listening, and what a reconnect restores. Confined to the client's event loop;
 * {@link Records}, {@link Record} and {@link RecordList} are its public face.
 */
final class RecordTopic implements TopicHandler {

    /** How long a read off the I/O thread waits for the I/O thread before it takes the last published state. */
    private static final long BARRIER_MILLIS = 10_000;

    /** One READ or HEAD on the wire; answers for a name come back in the order the requests went out. */
    private static final class Request<T> {
        final RecordAction action;
        final String name;
        /** The record that asked for its own READ, or null for snapshot/head callers. */
        final RecordCore core;
        final List<CompletableFuture<T>> callers = new ArrayList<>(1);
        /** The response timeout while under way, the offline deadline while unsent; null once timed out. */
        ScheduledFuture<?> timer;

        Request(RecordAction action, String name, RecordCore core) {
            this.action = action;
            this.name = name;
            this.core = core;
        }
    }

    private final Connection connection;
    private final Notifier notifier;
    private final ObjectMapper json;
    private final RecordOptions recordOptions;
    private final long readTimeoutMillis;
    private final long offlineTimeoutMillis;
    private final PendingAcks acks;
    private final Listening listening;
    private final OfflineBuffer offline;

    private final Map<String, RecordCore> cores = new LinkedHashMap<>();
    private final Map<String, ArrayDeque<Request<JsonNode>>> reads = new HashMap<>();
    private final Map<String, ArrayDeque<Request<Integer>>> heads = new HashMap<>();
    /** Snapshot and head requests made while offline, waiting for the next login. */
    private final List<Request<?>> unsent = new ArrayList<>();
    private final Map<String, CompletableFuture<Void>> writeAcks = new HashMap<>();
    private final Map<String, CompletableFuture<Void>> deletes = new HashMap<>();
    private final Map<String, ScheduledFuture<?>> deleteTimers = new HashMap<>();
    private final Map<String, CompletableFuture<Void>> notifies = new HashMap<>();
    private final List<String> toSubscribe = new ArrayList<>();
    private boolean subscribeFlushScheduled;
    /** Bulk correlation ids count per session and per action, like the JavaScript client's. */
    private int nextSubscribeId;
    private int nextHeadId;
    /** Write acknowledgement ids count from 1 for the client's lifetime, like the JavaScript client's. */
    private int nextWriteAckId = 1;

    RecordTopic(Connection connection, ClientOptions options, RecordOptions recordOptions, Notifier notifier) {
        this.connection = connection;
        this.notifier = notifier;
        this.json = options.json();
        this.recordOptions = recordOptions;
        this.readTimeoutMillis = recordOptions.readTimeout().toMillis();
        this.offlineTimeoutMillis = options.offlineBufferTimeout().toMillis();
        this.acks = new PendingAcks(connection.loop(), options.subscriptionTimeout().toMillis(), this::ackTimedOut);
        this.listening = new Listening(Listening.Actions.RECORD, connection, acks, notifier);
        this.offline = new OfflineBuffer(connection.loop(), options.offlineBufferTimeout().toNanos(),
                options.offlineBufferSize(), m -> notifier.error(Topic.RECORD, "CLIENT_OFFLINE", m.name()));
    }

    Listening listening() {
        return listening;
    }

    RecordOptions recordOptions() {
        return recordOptions;
    }

    // ---- for the public classes, from any thread --------------------------------------------------------------

    void execute(Runnable task) {
        connection.execute(task);
    }

    void execute(Runnable task, CompletableFuture<?> failIfRejected) {
        connection.execute(task, failIfRejected);
    }

    /**
     * The published state of a handle's record. Off the I/O thread it first waits for the I/O thread to run what
     * was queued before, so a thread reads its own writes; when the loop is gone or stuck, the last published state.
     */
    RecordCore.View view(Record handle) {
        if (!connection.loop().inEventLoop()) {
            CompletableFuture<Void> barrier = new CompletableFuture<>();
            if (connection.execute(() -> barrier.complete(null))) {
                try {
                    barrier.get(BARRIER_MILLIS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (ExecutionException | TimeoutException e) {
                    // read what was published last
                }
            }
        }
        RecordCore core = handle.core;
        return core == null ? null : core.view();
    }

    /** Whole record data: an object or an array, converted by the client's mapper and not shared with the caller. */
    JsonNode container(Object data) {
        JsonNode node = value(data);
        if (!node.isContainerNode()) {
            throw new IllegalArgumentException("record data must be a JSON object or array, not " + node.getNodeType());
        }
        return node;
    }

    /** Any JSON value; null is JSON null. */
    JsonNode value(Object value) {
        if (value == null) {
            return NullNode.getInstance();
        }
        if (value instanceof JsonNode node) {
            return node.deepCopy();
        }
        return json.valueToTree(value);
    }

    ArrayNode array(List<String> entries) {
        ArrayNode array = JsonNodeFactory.instance.arrayNode(entries.size());
        entries.forEach(array::add);
        return array;
    }

    // ---- handles, on the event loop -------------------------------------------------------------------------

    void attach(Record handle) {
        if (connection.isStopped()) {
            return;
        }
        RecordCore core = cores.get(handle.name());
        if (core == null) {
            core = new RecordCore(handle.name(), this);
            cores.put(handle.name(), core);
            if (connection.isOpen()) {
                requestSubscribe(handle.name());
            }
        }
        core.attach(handle);
    }

    void detach(Record handle, CompletableFuture<Void> done) {
        handle.subscriptions.clear();
        handle.providerCallbacks.clear();
        handle.deletedCallbacks.clear();
        RecordCore core = handle.core;
        if (core == null || connection.isStopped()) {
            done.complete(null);
            return;
        }
        core.detach(handle, done);
    }

    void whenReady(Record handle, CompletableFuture<Record> result) {
        RecordCore core = handle.core;
        if (core == null) {
            result.completeExceptionally(connection.stoppedException());
            return;
        }
        core.whenReady(() -> result.complete(handle), result::completeExceptionally);
    }

    void subscribe(Record handle, String path, Consumer<JsonNode> callback) {
        handle.subscriptions.computeIfAbsent(path, p -> new ArrayList<>()).add(callback);
    }

    void setMergeStrategy(Record handle, MergeStrategy strategy) {
        if (handle.core != null) {
            handle.core.strategy = strategy;
        }
    }

    void write(Record handle, JsonPath path, JsonNode value, boolean erase, CompletableFuture<Void> ack) {
        if (rejectStopped(ack) || handle.core == null) {
            return;
        }
        handle.core.write(path, value, erase, ack);
    }

    void editList(Record handle, UnaryOperator<JsonNode> edit, CompletableFuture<Void> ack) {
        if (handle.isDiscarded()) {
            throw new IllegalStateException("the handle of list '" + handle.name() + "' was discarded");
        }
        if (ack == null) {
            execute(() -> {
                if (!rejectStopped(null) && handle.core != null) {
                    handle.core.edit(edit, null);
                }
            });
        } else {
            execute(() -> {
                if (!rejectStopped(ack) && handle.core != null) {
                    handle.core.edit(edit, ack);
                }
            }, ack);
        }
    }

    void delete(Record handle, CompletableFuture<Void> result) {
        RecordCore core = handle.core;
        if (rejectStopped(result) || core == null) {
            return;
        }
        if (core.state.ended()) {
            result.completeExceptionally(new EddyClientException(Topic.RECORD, "RECORD_ALREADY_DESTROYED", core.name));
            return;
        }
        if (!connection.isOpen()) {
            result.completeExceptionally(new EddyClientException(Topic.RECORD, "CLIENT_OFFLINE",
                    "deleting while offline is not supported"));
            return;
        }
        core.whenReady(() -> sendDelete(core.name, result), result::completeExceptionally);
    }

    private void sendDelete(String name, CompletableFuture<Void> result) {
        if (!connection.isOpen()) {
            result.completeExceptionally(new EddyClientException(Topic.RECORD, "CLIENT_OFFLINE", name));
            return;
        }
        CompletableFuture<Void> running = deletes.get(name);
        if (running != null) {
            EventTopic.completeWith(running, result);
            return;
        }
        deletes.put(name, result);
        deleteTimers.put(name, schedule(() -> {
            deleteTimers.remove(name);
            CompletableFuture<Void> waiting = deletes.remove(name);
            if (waiting != null) {
                waiting.completeExceptionally(new EddyClientException(Topic.RECORD, "RECORD_DELETE_TIMEOUT", name));
                error("RECORD_DELETE_TIMEOUT", name);
            }
        }, recordOptions.deleteTimeout().toMillis()));
        connection.write(Message.of(RecordAction.DELETE).name(name));
    }

    // ---- reads and writes without subscribing -----------------------------------------------------------------

    void snapshot(String name, CompletableFuture<JsonNode> result) {
        if (rejectStopped(result)) {
            return;
        }
        RecordCore core = cores.get(name);
        if (core != null) {
            core.whenReady(() -> result.complete(core.data.deepCopy()), result::completeExceptionally);
            return;
        }
        request(RecordAction.READ, reads, name, result);
    }

    void head(String name, CompletableFuture<Integer> result) {
        if (rejectStopped(result)) {
            return;
        }
        RecordCore core = cores.get(name);
        if (core != null) {
            core.whenReady(() -> result.complete(core.version), result::completeExceptionally);
            return;
        }
        request(RecordAction.HEAD, heads, name, result);
    }

    private <T> void request(RecordAction action, Map<String, ArrayDeque<Request<T>>> byName, String name,
                             CompletableFuture<T> result) {
        if (!connection.isOpen()) {
            for (Request<?> waiting : unsent) {
                if (waiting.action == action && waiting.name.equals(name)) {
                    @SuppressWarnings("unchecked") Request<T> same = (Request<T>) waiting;
                    same.callers.add(result);
                    return;
                }
            }
            if (offlineTimeoutMillis == 0) {
                result.completeExceptionally(new EddyClientException(Topic.RECORD, "CLIENT_OFFLINE", name));
                return;
            }
            Request<T> request = new Request<>(action, name, null);
            request.callers.add(result);
            unsent.add(request);
            request.timer = schedule(() -> {
                if (unsent.remove(request)) {
                    fail(request, new EddyClientException(Topic.RECORD, "CLIENT_OFFLINE", name));
                }
            }, offlineTimeoutMillis);
            return;
        }
        ArrayDeque<Request<T>> queue = byName.get(name);
        Request<T> last = queue == null ? null : queue.peekLast();
        if (last != null && last.core == null && last.timer != null) {
            last.callers.add(result); // one answer serves every caller of a request still under way
            return;
        }
        Request<T> request = new Request<>(action, name, null);
        request.callers.add(result);
        send(byName, request);
    }

    private <T> void send(Map<String, ArrayDeque<Request<T>>> byName, Request<T> request) {
        byName.computeIfAbsent(request.name, n -> new ArrayDeque<>()).addLast(request);
        if (request.core == null) {
            request.timer = schedule(() -> {
                request.timer = null; // stays queued to absorb the late answer
                fail(request, new EddyClientException(Topic.RECORD, "RESPONSE_TIMEOUT",
                        request.action + " " + request.name));
            }, readTimeoutMillis);
        }
        connection.write(Message.of(request.action).name(request.name));
    }

    /** A record's own READ, to resolve a conflict or resynchronise. */
    void sendRead(RecordCore core) {
        send(reads, new Request<>(RecordAction.READ, core.name, core));
    }

    void setData(String name, JsonPath path, JsonNode value, boolean erase, CompletableFuture<Void> ack) {
        if (rejectStopped(ack)) {
            return;
        }
        RecordCore core = cores.get(name);
        if (core != null) {
            core.write(path, value, erase, ack);
            return;
        }
        Message message;
        if (path == null) {
            message = Message.of(RecordAction.CREATEANDUPDATE).data(text(value));
        } else if (erase) {
            message = Message.of(RecordAction.ERASE).path(path.toString());
        } else {
            message = Message.of(RecordAction.CREATEANDPATCH).path(path.toString()).data(text(value));
        }
        message.name(name).version(-1);
        if (ack != null) {
            if (connection.isOpen()) {
                sendWrite(message, ack);
            } else {
                ack.completeExceptionally(new EddyClientException(Topic.RECORD, "CLIENT_OFFLINE", name));
            }
        } else if (connection.isOpen()) {
            connection.write(message);
        } else {
            offline.add(message);
        }
    }

    void notify(List<String> names, CompletableFuture<Void> result) {
        if (rejectStopped(result)) {
            return;
        }
        if (!connection.isOpen()) {
            result.completeExceptionally(new EddyClientException(Topic.RECORD, "CLIENT_OFFLINE", names.toString()));
            return;
        }
        String correlationId = CorrelationIds.unique();
        notifies.put(correlationId, result);
        connection.write(Message.of(RecordAction.NOTIFY).names(List.copyOf(names)).correlationId(correlationId));
    }

    // ---- for the records, on the event loop -------------------------------------------------------------------

    boolean isOpen() {
        return connection.isOpen();
    }

    /** Sends a record write, with a write acknowledgement when {@code ack} is given. */
    void sendWrite(Message message, CompletableFuture<Void> ack) {
        if (ack != null) {
            String correlationId = Integer.toString(nextWriteAckId++);
            writeAcks.put(correlationId, ack);
            message.isWriteAck(true).correlationId(correlationId);
        }
        connection.write(message);
    }

    /** The record leaves the registry (deleted, discarded, refused); a later getRecord starts afresh. */
    void forget(RecordCore core) {
        cores.remove(core.name, core);
    }

    /** UNSUBSCRIBE for a discarded record; {@code waiting} completes on its acknowledgement. */
    void unsubscribe(RecordCore core, List<CompletableFuture<Void>> waiting) {
        if (!connection.isOpen()) {
            waiting.forEach(f -> f.complete(null));
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        done.whenComplete((v, failure) -> waiting.forEach(f -> {
            if (failure == null) {
                f.complete(null);
            } else {
                f.completeExceptionally(failure);
            }
        }));
        connection.write(Message.of(RecordAction.UNSUBSCRIBE).names(List.of(core.name)).correlationId(core.name));
        acks.add(RecordAction.UNSUBSCRIBE, core.name, List.of(core.name), done);
    }

    ScheduledFuture<?> schedule(Runnable task, long millis) {
        return connection.loop().schedule(task, millis, TimeUnit.MILLISECONDS);
    }

    String text(JsonNode value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree that cannot be written", e);
        }
    }

    /** Parsed JSON text, or null when there is none or it is not JSON. */
    JsonNode parse(String text) {
        if (text == null) {
            return null;
        }
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** Another writer's UPDATE, PATCH (without data it erases), ERASE or PATCH_MULTI applied to {@code data}. */
    JsonNode applyRemote(JsonNode data, Message message) {
        RecordAction action = RecordAction.of(message.action());
        JsonNode value = message.data() == null ? null : parse(message.data());
        if (message.data() != null && value == null) {
            throw new IllegalArgumentException("data is not JSON");
        }
        switch (action) {
            case UPDATE -> {
                if (value == null || !value.isContainerNode()) {
                    throw new IllegalArgumentException("UPDATE data is not an object or array");
                }
                return value;
            }
            case PATCH, ERASE -> {
                if (message.path() == null) {
                    throw new IllegalArgumentException(action + " without a path");
                }
                return JsonPath.parse(message.path()).set(data, action == RecordAction.ERASE ? null : value);
            }
            case PATCH_MULTI -> {
                if (value == null || !value.isArray()) {
                    throw new IllegalArgumentException("PATCH_MULTI data is not an array");
                }
                JsonNode next = data;
                for (JsonNode op : value) {
                    JsonNode path = op.get("path");
                    if (path == null || !path.isTextual()) {
                        throw new IllegalArgumentException("PATCH_MULTI operation without a path");
                    }
                    next = JsonPath.parse(path.textValue()).set(next, op.get("data"));
                }
                return next;
            }
            default -> throw new IllegalArgumentException("not a change: " + action);
        }
    }

    void error(String event, String detail) {
        notifier.error(Topic.RECORD, event, detail);
    }

    void run(String what, Runnable callback) {
        notifier.run(what, callback);
    }

    // ---- subscribing ----------------------------------------------------------------------------------------

    /** Names asked for in one turn of the event loop go out in one bulk SUBSCRIBECREATEANDREAD. */
    private void requestSubscribe(String name) {
        toSubscribe.add(name);
        if (!subscribeFlushScheduled) {
            subscribeFlushScheduled = true;
            connection.loop().execute(this::flushSubscribes);
        }
    }

    private void flushSubscribes() {
        subscribeFlushScheduled = false;
        List<String> names = new ArrayList<>();
        for (String name : new LinkedHashSet<>(toSubscribe)) {
            RecordCore core = cores.get(name);
            if (core != null && core.state == RecordCore.State.LOADING && !core.subscribeSent) {
                names.add(name);
            }
        }
        toSubscribe.clear();
        if (!names.isEmpty() && connection.isOpen()) {
            sendBulk(RecordAction.SUBSCRIBECREATEANDREAD, names);
        }
    }

    private void sendBulk(RecordAction action, List<String> names) {
        String correlationId = Integer.toString(action == RecordAction.SUBSCRIBEANDHEAD ? nextHeadId++ : nextSubscribeId++);
        if (action == RecordAction.SUBSCRIBECREATEANDREAD) {
            for (String name : names) {
                cores.get(name).subscribeSent = true;
            }
        }
        connection.write(Message.of(action).names(List.copyOf(names)).correlationId(correlationId));
        acks.add(action, correlationId, names, null);
    }

    // ---- messages from the server ------------------------------------------------------------------------------

    @Override
    public void handle(Message message) {
        RecordAction action = RecordAction.of(message.action());
        if (message.isAck()) {
            onAck(action, message);
            return;
        }
        String name = message.name();
        RecordCore core = name == null ? null : cores.get(name);
        switch (action) {
            case READ_RESPONSE -> onReadResponse(message);
            case HEAD_RESPONSE -> onHeadResponse(message);
            case HEAD_RESPONSE_BULK -> {
                if (message.versions() != null) {
                    message.versions().forEach((n, v) -> {
                        RecordCore held = cores.get(n);
                        if (held != null) {
                            held.onHead(v);
                        }
                    });
                }
            }
            case UPDATE, PATCH, ERASE, PATCH_MULTI -> {
                if (core != null) {
                    core.onRemoteChange(message);
                } // else discarded meanwhile: the server sends until it has the UNSUBSCRIBE
            }
            case WRITE_ACKNOWLEDGEMENT -> {
                CompletableFuture<Void> ack = writeAcks.remove(message.correlationId());
                if (ack != null) {
                    ack.complete(null);
                }
            }
            case VERSION_EXISTS -> {
                failWriteAck(message, action);
                if (core != null) {
                    core.onVersionExists(message);
                }
            }
            case DELETE_SUCCESS -> {
                ScheduledFuture<?> timer = deleteTimers.remove(name);
                if (timer != null) {
                    timer.cancel(false);
                }
                CompletableFuture<Void> waiting = deletes.remove(name);
                if (core != null) {
                    core.deleted();
                }
                if (waiting != null) {
                    waiting.complete(null);
                }
            }
            case DELETED -> {
                if (core != null) {
                    core.deleted();
                }
            }
            case SUBSCRIPTION_HAS_PROVIDER, SUBSCRIPTION_HAS_NO_PROVIDER -> {
                if (core != null) {
                    core.onProvider(action == RecordAction.SUBSCRIPTION_HAS_PROVIDER);
                }
            }
            case SUBSCRIPTION_FOR_PATTERN_FOUND -> listening.onFound(name, message.subscription());
            case SUBSCRIPTION_FOR_PATTERN_REMOVED -> listening.onRemoved(message.subscription());
            case INVALID_LISTEN_REGEX -> {
                listening.onListenFailed(name, new EddyClientException(Topic.RECORD, action.name(), name), true);
                error(action.name(), name);
            }
            case LISTEN_RESPONSE_TIMEOUT -> error(action.name(), message.subscription());
            case MULTIPLE_SUBSCRIPTIONS -> error(action.name(), name);
            case RECORD_NOTIFY_ERROR -> {
                CompletableFuture<Void> waiting = notifies.remove(message.correlationId());
                if (waiting != null) {
                    waiting.completeExceptionally(new EddyClientException(Topic.RECORD, action.name(), message.data()));
                }
                error(action.name(), message.data());
            }
            case RECORD_DELETE_ERROR -> {
                failDelete(name, new EddyClientException(Topic.RECORD, action.name(), name));
                error(action.name(), name);
            }
            case RECORD_NOT_FOUND, MESSAGE_DENIED, MESSAGE_PERMISSION_ERROR, RECORD_UPDATE_ERROR,
                 INVALID_MESSAGE_DATA, INVALID_VERSION, CACHE_RETRIEVAL_TIMEOUT, STORAGE_RETRIEVAL_TIMEOUT,
                 RECORD_LOAD_ERROR, RECORD_CREATE_ERROR, INVALID_PATCH_ON_HOTPATH -> onError(action, message, core);
            default -> error("UNSOLICITED_MESSAGE", message.toString());
        }
    }

    private void onAck(RecordAction action, Message message) {
        switch (action) {
            case SUBSCRIBECREATEANDREAD, SUBSCRIBEANDREAD, SUBSCRIBEANDHEAD, UNSUBSCRIBE -> {
                PendingAcks.Request request = acks.remove(action, message.correlationId());
                if (request != null && request.done != null) {
                    request.done.complete(null);
                }
            }
            case LISTEN, UNLISTEN -> listening.onAck(action, message.name());
            case NOTIFY -> {
                CompletableFuture<Void> waiting = notifies.remove(message.correlationId());
                if (waiting != null) {
                    waiting.complete(null);
                }
            }
            case SUBSCRIBE -> { } // not sent by this client
            default -> error("UNSOLICITED_MESSAGE", message.toString());
        }
    }

    private void onReadResponse(Message message) {
        String name = message.name();
        Request<JsonNode> request = poll(reads, name);
        JsonNode data = parse(message.data());
        if (data == null || !data.isContainerNode()) {
            EddyClientException bad = new EddyClientException(Topic.RECORD, "MESSAGE_PARSE_ERROR",
                    name + ": record data is not a JSON object or array");
            if (request != null) {
                fail(request, bad);
            }
            error(bad.event(), name);
            return;
        }
        int version = message.version() == null ? -1 : message.version();
        if (request != null) {
            for (CompletableFuture<JsonNode> caller : request.callers) {
                caller.complete(data.deepCopy());
            }
        }
        RecordCore core = cores.get(name);
        if (core != null) {
            core.onReadResponse(version, data, request != null && request.core == core);
        }
    }

    private void onHeadResponse(Message message) {
        String name = message.name();
        int version = message.version() == null ? -1 : message.version();
        Request<Integer> request = poll(heads, name);
        if (request != null) {
            for (CompletableFuture<Integer> caller : request.callers) {
                caller.complete(version);
            }
        }
        RecordCore core = cores.get(name);
        if (core != null) {
            core.onHead(version); // the answer to SUBSCRIBEANDHEAD for a record the server does not have
        }
    }

    /** An error reply: the caller that waits for it fails, the record it concerns reacts, the listener is told. */
    private void onError(RecordAction action, Message message, RecordCore core) {
        String name = message.name();
        EddyClientException error = new EddyClientException(Topic.RECORD, action.name(), name);
        failWriteAck(message, action);
        RecordAction original = message.originalAction() == null ? null : RecordAction.of(message.originalAction());
        if (original == null) {
            original = RecordAction.UNKNOWN;
        }
        switch (original) {
            case READ -> {
                Request<JsonNode> request = poll(reads, name);
                if (request != null) {
                    fail(request, error);
                    if (request.core != null && request.core == core) {
                        core.onReadFailed(error);
                    }
                }
            }
            case HEAD -> {
                Request<Integer> request = poll(heads, name);
                if (request != null) {
                    fail(request, error);
                }
            }
            case SUBSCRIBECREATEANDREAD, SUBSCRIBEANDREAD, SUBSCRIBEANDHEAD -> {
                acks.refuse(original, message.correlationId(), name);
                if (core != null) {
                    core.subscribeFailed(error);
                }
            }
            case DELETE -> failDelete(name, error);
            case LISTEN -> listening.onListenFailed(name, error, true);
            case NOTIFY -> {
                CompletableFuture<Void> waiting = notifies.remove(message.correlationId());
                if (waiting != null) {
                    waiting.completeExceptionally(error);
                }
            }
            default -> {
                // a write: UPDATE, PATCH, ERASE, CREATEANDxxx; RECORD_UPDATE_ERROR names no original action
                if (core != null) {
                    core.onWriteRefused();
                }
            }
        }
        error(action.name(), name);
    }

    /** Fails the write-acknowledged write an error reply answers, if it is one. */
    private void failWriteAck(Message message, RecordAction action) {
        if (message.isWriteAck() && message.correlationId() != null) {
            CompletableFuture<Void> ack = writeAcks.remove(message.correlationId());
            if (ack != null) {
                ack.completeExceptionally(new EddyClientException(Topic.RECORD, action.name(), message.name()));
            }
        }
    }

    private void failDelete(String name, EddyClientException error) {
        ScheduledFuture<?> timer = deleteTimers.remove(name);
        if (timer != null) {
            timer.cancel(false);
        }
        CompletableFuture<Void> waiting = deletes.remove(name);
        if (waiting != null) {
            waiting.completeExceptionally(error);
        }
    }

    private static <T> Request<T> poll(Map<String, ArrayDeque<Request<T>>> byName, String name) {
        ArrayDeque<Request<T>> queue = name == null ? null : byName.get(name);
        if (queue == null) {
            return null;
        }
        Request<T> request = queue.pollFirst();
        if (queue.isEmpty()) {
            byName.remove(name);
        }
        if (request != null && request.timer != null) {
            request.timer.cancel(false);
            request.timer = null;
        }
        return request;
    }

    private static void fail(Request<?> request, Throwable failure) {
        for (CompletableFuture<?> caller : request.callers) {
            caller.completeExceptionally(failure);
        }
        request.callers.clear();
    }

    private void ackTimedOut(PendingAcks.Request request) {
        String what = request.describe();
        EddyClientException timeout = new EddyClientException(Topic.RECORD, "ACK_TIMEOUT", what);
        Action action = request.action;
        if (action == RecordAction.LISTEN) {
            listening.onListenFailed(request.names.get(0), timeout, false);
        } else if (request.done != null) {
            request.done.completeExceptionally(timeout);
        }
        error("ACK_TIMEOUT", what);
    }

    private boolean rejectStopped(CompletableFuture<?> result) {
        if (!connection.isStopped()) {
            return false;
        }
        if (result != null) {
            result.completeExceptionally(connection.stoppedException());
        }
        return true;
    }

    // ---- session lifecycle ---------------------------------------------------------------------------------

    @Override
    public void onSessionOpened() {
        nextSubscribeId = 0;
        nextHeadId = 0;
        listening.restore();
        List<String> resync = new ArrayList<>();
        List<String> load = new ArrayList<>();
        for (RecordCore core : cores.values()) {
            if (core.resubscribe()) {
                resync.add(core.name);
            } else if (core.state == RecordCore.State.LOADING) {
                load.add(core.name);
            }
        }
        if (!load.isEmpty()) {
            sendBulk(RecordAction.SUBSCRIBECREATEANDREAD, load);
        }
        if (!resync.isEmpty()) {
            sendBulk(RecordAction.SUBSCRIBEANDHEAD, resync);
        }
        List<Request<?>> waiting = new ArrayList<>(unsent);
        unsent.clear();
        for (Request<?> request : waiting) {
            if (request.timer != null) {
                request.timer.cancel(false);
            }
            if (request.action == RecordAction.READ) {
                @SuppressWarnings("unchecked") Request<JsonNode> read = (Request<JsonNode>) request;
                send(reads, read);
            } else {
                @SuppressWarnings("unchecked") Request<Integer> head = (Request<Integer>) request;
                send(heads, head);
            }
        }
        offline.drainTo(connection::write);
    }

    @Override
    public void onSessionLost() {
        nextSubscribeId = 0;
        nextHeadId = 0;
        toSubscribe.clear();
        acks.completeAll();
        listening.onSessionLost();
        EddyClientException offlineError = new EddyClientException(Topic.RECORD, "CLIENT_OFFLINE",
                "the connection was lost");
        failAll(writeAcks, offlineError);
        failAll(deletes, offlineError);
        deleteTimers.values().forEach(t -> t.cancel(false));
        deleteTimers.clear();
        failAll(notifies, offlineError);
        failRequests(reads, offlineError);
        failRequests(heads, offlineError);
        for (RecordCore core : List.copyOf(cores.values())) {
            core.onSessionLost();
        }
    }

    @Override
    public void onStopped(EddyClientException cause, boolean reportDiscarded) {
        acks.failAll(cause);
        listening.onStopped(cause);
        failAll(writeAcks, cause);
        failAll(deletes, cause);
        deleteTimers.values().forEach(t -> t.cancel(false));
        deleteTimers.clear();
        failAll(notifies, cause);
        failRequests(reads, cause);
        failRequests(heads, cause);
        for (Request<?> request : unsent) {
            if (request.timer != null) {
                request.timer.cancel(false);
            }
            fail(request, cause);
        }
        unsent.clear();
        for (RecordCore core : List.copyOf(cores.values())) {
            core.onStopped(cause);
        }
        offline.discard(reportDiscarded);
    }

    private static void failAll(Map<String, CompletableFuture<Void>> waiting, Throwable failure) {
        List<CompletableFuture<Void>> all = new ArrayList<>(waiting.values());
        waiting.clear();
        all.forEach(f -> f.completeExceptionally(failure));
    }

    private static <T> void failRequests(Map<String, ArrayDeque<Request<T>>> byName, Throwable failure) {
        for (ArrayDeque<Request<T>> queue : byName.values()) {
            for (Request<T> request : queue) {
                if (request.timer != null) {
                    request.timer.cancel(false);
                }
                fail(request, failure);
            }
        }
        byName.clear();
    }
}
