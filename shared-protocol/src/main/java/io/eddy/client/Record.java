package io.eddy.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A handle on a record: a named JSON document (an object or an array) with a version, kept in sync with the server
 * and every other client that holds it (records.md). Obtained from {@link Records#getRecord}.
 * <p>
 * <b>Handles share one record.</b> Every {@code getRecord} of a name returns a new handle on the same subscription,
 * as in the JavaScript client. Each handle has its own callbacks and must be given back with {@link #discard()};
 * when the last handle of a name is discarded the record stays subscribed for the client's record discard timeout
 * (a new {@code getRecord} in that window reuses it), then UNSUBSCRIBE is sent.
 * <p>
 * <b>Ready.</b> The record is ready once the server sent its data ({@link #whenReady()}); a new name is created on
 * the server with version 0 and {@code {}}. Writes made before are queued and sent together when it is.
 * <p>
 * <b>Reading.</b> {@link #get()} and the values handed to callbacks are deep copies: changing them changes nothing
 * else. Reads made off the I/O thread first let the I/O thread finish this client's earlier calls, so a thread
 * reads its own writes; called on the I/O thread they read the current state directly.
 * <p>
 * <b>Writing.</b> {@link #set(Object)} replaces the data (UPDATE), {@link #set(String, Object)} changes one path
 * (PATCH) and {@link #erase(String)} removes one (ERASE); each applies locally at once, with the path rules of the
 * JavaScript client, and goes to the server with the next version. A write that does not change the data sends
 * nothing. The {@code …WithAck} variants complete when the server has stored the write, and fail with an
 * {@link EddyClientException} whose event is the server's refusal ({@code VERSION_EXISTS} when the write lost a race
 * and was merged, {@code MESSAGE_DENIED}, {@code INVALID_MESSAGE_DATA}, {@code RECORD_UPDATE_ERROR} …),
 * {@code CLIENT_OFFLINE} when the connection is or goes down before the acknowledgement, or
 * {@code RECORD_ALREADY_DESTROYED}.
 * <p>
 * <b>Conflicts.</b> Changes from other clients apply when they carry the next version; otherwise the record's
 * {@link MergeStrategy} decides (default {@link MergeStrategy#REMOTE_WINS}). While the client resolves a conflict or
 * resynchronises after a reconnect, new writes are queued and applied on top of the outcome.
 * <p>
 * <b>Offline.</b> While the connection is down the record keeps working locally: writes apply at once (their acks
 * fail with {@code CLIENT_OFFLINE}) and the version moves by one for all of them. After the reconnect the client
 * resubscribes with SUBSCRIBEANDHEAD: if the server is still at the version this client started from, the local
 * data is sent; if the server moved, the merge strategy combines both; a record without offline writes simply takes
 * the server's state. A record deleted meanwhile reports {@link #onDeleted deleted}.
 * <p>
 * All methods are thread-safe; callbacks run on the client's I/O thread and must not block.
 */
public final class Record {

    private final RecordTopic topic;
    private final String name;

    /** Set on the I/O thread when the handle is attached; read elsewhere only through the topic's barrier. */
    volatile RecordCore core;
    private volatile boolean discarded;

    // confined to the I/O thread
    final Map<String, List<Consumer<JsonNode>>> subscriptions = new LinkedHashMap<>();
    final List<Consumer<Boolean>> providerCallbacks = new ArrayList<>();
    final List<Runnable> deletedCallbacks = new ArrayList<>();

    Record(RecordTopic topic, String name) {
        this.topic = topic;
        this.name = name;
    }

    public String name() {
        return name;
    }

    /**
     * Completes with this handle once the record has its data from the server (at once if it has). Fails when the
     * server refuses the subscription ({@code MESSAGE_DENIED} …), or when the record is deleted or the client stops
     * before.
     */
    public CompletableFuture<Record> whenReady() {
        CompletableFuture<Record> result = new CompletableFuture<>();
        topic.execute(() -> topic.whenReady(this, result), result);
        return result;
    }

    /** Whether the record has its data and is not deleted. */
    public boolean isReady() {
        RecordCore c = core;
        return c != null && c.view().ready();
    }

    /** Whether the record was deleted, by this client or another one. */
    public boolean isDeleted() {
        RecordCore c = core;
        return c != null && c.view().state() == RecordCore.State.DELETED;
    }

    /** A copy of the whole data; {@code {}} before the record is ready. */
    public JsonNode get() {
        RecordCore.View view = topic.view(this);
        return view == null ? MissingNode.getInstance() : view.data().deepCopy();
    }

    /**
     * A copy of the value at {@code path} (see {@link #set(String, Object)} for the syntax); {@link MissingNode}
     * when there is none.
     */
    public JsonNode get(String path) {
        JsonPath parsed = JsonPath.parse(path);
        RecordCore.View view = topic.view(this);
        return view == null ? MissingNode.getInstance() : parsed.get(view.data()).deepCopy();
    }

    /** The record's version as this client knows it; -1 before it is ready. */
    public int version() {
        RecordCore.View view = topic.view(this);
        return view == null ? -1 : view.version();
    }

    /** Whether a client provides this record (record listening, SUBSCRIPTION_HAS_PROVIDER). */
    public boolean hasProvider() {
        RecordCore c = core;
        return c != null && c.view().hasProvider();
    }

    /**
     * Calls {@code callback} with a copy of the whole data whenever it changes, locally or remotely; also once
     * when the record becomes ready, if it is not yet.
     */
    public void subscribe(Consumer<JsonNode> callback) {
        subscribe0("", Objects.requireNonNull(callback, "callback"));
    }

    /** Calls {@code callback} with a copy of the value at {@code path} whenever that value changes. */
    public void subscribe(String path, Consumer<JsonNode> callback) {
        JsonPath.parse(path);
        subscribe0(path, Objects.requireNonNull(callback, "callback"));
    }

    /** Removes a callback given to {@link #subscribe(Consumer)}. Purely local, like the JavaScript client's. */
    public void unsubscribe(Consumer<JsonNode> callback) {
        unsubscribe0("", callback);
    }

    public void unsubscribe(String path, Consumer<JsonNode> callback) {
        unsubscribe0(path, callback);
    }

    /** Called with the new value whenever {@link #hasProvider()} changes. */
    public void onProviderChanged(Consumer<Boolean> callback) {
        Objects.requireNonNull(callback, "callback");
        live();
        topic.execute(() -> providerCallbacks.add(callback));
    }

    /** Called once when the record is deleted, by this client ({@link #delete()}) or another one. */
    public void onDeleted(Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        live();
        topic.execute(() -> {
            if (isDeleted()) {
                topic.run("deleted callback of record '" + name + "'", callback);
            } else {
                deletedCallbacks.add(callback);
            }
        });
    }

    /**
     * Replaces the whole data: a {@link JsonNode} or anything Jackson serialises to a JSON object or array.
     *
     * @throws IllegalArgumentException when {@code data} is not an object or array
     */
    public void set(Object data) {
        write(null, topic.container(data), false, null);
    }

    /**
     * Sets the value at {@code path}: parts separated by dots, {@code [n]} for array indices ({@code a.b[2].c});
     * missing objects and arrays on the way are created, as in the JavaScript client. {@code null} sets JSON null;
     * use {@link #erase(String)} to remove a value.
     *
     * @throws IllegalArgumentException for an invalid path, or a value Jackson cannot convert
     */
    public void set(String path, Object value) {
        write(JsonPath.parse(path), topic.value(value), false, null);
    }

    /** Removes the value at {@code path} (ERASE). */
    public void erase(String path) {
        write(JsonPath.parse(path), null, true, null);
    }

    /** {@link #set(Object)}, completing once the server has stored it. */
    public CompletableFuture<Void> setWithAck(Object data) {
        CompletableFuture<Void> ack = new CompletableFuture<>();
        write(null, topic.container(data), false, ack);
        return ack;
    }

    /** {@link #set(String, Object)}, completing once the server has stored it. */
    public CompletableFuture<Void> setWithAck(String path, Object value) {
        CompletableFuture<Void> ack = new CompletableFuture<>();
        write(JsonPath.parse(path), topic.value(value), false, ack);
        return ack;
    }

    /** {@link #erase(String)}, completing once the server has stored it. */
    public CompletableFuture<Void> eraseWithAck(String path) {
        CompletableFuture<Void> ack = new CompletableFuture<>();
        write(JsonPath.parse(path), null, true, ack);
        return ack;
    }

    /**
     * Deletes the record on the server (DELETE); every other client holding it is told. Completes on
     * DELETE_SUCCESS, after which every handle of the record reports {@link #isDeleted() deleted}; fails with
     * {@code CLIENT_OFFLINE} when not connected, {@code RECORD_DELETE_ERROR}, {@code MESSAGE_DENIED} or
     * {@code RECORD_DELETE_TIMEOUT}.
     */
    public CompletableFuture<Void> delete() {
        live();
        CompletableFuture<Void> result = new CompletableFuture<>();
        topic.execute(() -> topic.delete(this, result), result);
        return result;
    }

    /**
     * Gives this handle back; its callbacks are removed and it must not be used any more. Completes at once when
     * other handles of the record remain; for the last one, once the server acknowledged the UNSUBSCRIBE that
     * follows the discard timeout, or once a new {@code getRecord} took the record back within it. Discarding twice
     * does nothing more.
     */
    public CompletableFuture<Void> discard() {
        CompletableFuture<Void> result = new CompletableFuture<>();
        if (discarded) {
            result.complete(null);
            return result;
        }
        discarded = true;
        topic.execute(() -> topic.detach(this, result), result);
        return result;
    }

    /** The conflict resolution of this record (all its handles), instead of the client's default. */
    public void setMergeStrategy(MergeStrategy strategy) {
        Objects.requireNonNull(strategy, "strategy");
        live();
        topic.execute(() -> topic.setMergeStrategy(this, strategy));
    }

    @Override
    public String toString() {
        RecordCore c = core;
        return "Record[" + name + (c == null ? "" : ", " + c.view().state() + " v" + c.view().version()) + "]";
    }

    // ---- internals -----------------------------------------------------------------------------------------------

    boolean isDiscarded() {
        return discarded;
    }

    private void write(JsonPath path, JsonNode value, boolean erase, CompletableFuture<Void> ack) {
        live();
        if (ack == null) {
            topic.execute(() -> topic.write(this, path, value, erase, null));
        } else {
            topic.execute(() -> topic.write(this, path, value, erase, ack), ack);
        }
    }

    private void subscribe0(String path, Consumer<JsonNode> callback) {
        live();
        topic.execute(() -> topic.subscribe(this, path, callback));
    }

    private void unsubscribe0(String path, Consumer<JsonNode> callback) {
        Objects.requireNonNull(callback, "callback");
        topic.execute(() -> {
            List<Consumer<JsonNode>> callbacks = subscriptions.get(path);
            if (callbacks != null) {
                callbacks.removeIf(c -> c.equals(callback));
                if (callbacks.isEmpty()) {
                    subscriptions.remove(path);
                }
            }
        });
    }

    private void live() {
        if (discarded) {
            throw new IllegalStateException("the handle of record '" + name + "' was discarded");
        }
    }
}
