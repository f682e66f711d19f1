package io.eddy.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.eddy.protocol.Message;
import io.eddy.protocol.RecordAction;
import io.eddy.protocol.Topic;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * One record this client holds, shared by all its {@link Record} handles: data, version, and the state machine that
 * keeps them in line with the server (records.md; the JavaScript client's record-core.js). Confined to the client's
 * event loop, except {@link #view()}.
 *
 * <h2>Versions</h2>
 * Writes apply locally and go out with {@code version + 1} at once. {@code sentVersion} remembers the highest
 * version sent on this connection: a conflict whose remote version is below it may predate writes of ours the
 * server took, so the message alone cannot be trusted and the record READs the server's state first. Otherwise an
 * UPDATE or VERSION_EXISTS carries the server's full state at its version and is merged directly, as the JavaScript
 * client does; a PATCH always needs the READ.
 *
 * <h2>States</h2>
 * <pre>
 * LOADING ─READ_RESPONSE─▶ READY ─conflict─▶ MERGING ─READ_RESPONSE─▶ READY
 *                            │ ▲ connection lost        ▲
 *                            ▼ │                        │ (server moved)
 *                          OFFLINE ─login─▶ RESYNCING ─HEAD─▶ READY
 * any ─▶ DELETED | DISCARDED | FAILED (final)
 * </pre>
 * In LOADING, RESYNCING and MERGING, writes wait in {@code pending} and changes from the server in
 * {@code buffered}; both are applied once the record settles.
 */
final class RecordCore {

    enum State {
        /** Subscribed (or waiting for a login to subscribe); no data yet. */
        LOADING,
        /** In step with the server as far as this client knows. */
        READY,
        /** Has data, no connection: writes apply locally and are reconciled after the reconnect. */
        OFFLINE,
        /** Resubscribed with SUBSCRIBEANDHEAD after a reconnect; waiting for the server's version. */
        RESYNCING,
        /** READ sent to resolve a conflict; waiting for the server's state. */
        MERGING,
        DELETED,
        DISCARDED,
        /** The server refused the subscription. */
        FAILED;

        boolean ended() {
            return this == DELETED || this == DISCARDED || this == FAILED;
        }

        boolean hasData() {
            return this == READY || this == OFFLINE || this == RESYNCING || this == MERGING;
        }
    }

    /** What other threads may read, published after every change. */
    record View(int version, JsonNode data, State state, boolean hasProvider) {
        boolean ready() {
            return state.hasData();
        }
    }

    /**
     * A write made while the record could not send it: {@code edit} computes the data from what it meets (lists),
     * else {@code path} null replaces the data, else the path is set or erased.
     */
    private record PendingWrite(UnaryOperator<JsonNode> edit, JsonPath path, JsonNode value, boolean erase,
                                CompletableFuture<Void> ack) {

        JsonNode applyTo(JsonNode data) {
            if (edit != null) {
                return edit.apply(data);
            }
            return path == null ? value : path.set(data, erase ? null : value);
        }
    }

    static final JsonNode EMPTY = JsonNodeFactory.instance.objectNode();

    final String name;
    private final RecordTopic topic;

    State state = State.LOADING;
    int version = -1;
    JsonNode data = EMPTY;
    /** Written while offline: the version already moved by one for all offline writes. */
    boolean dirty;
    /** The highest version this client sent on the current connection. */
    int sentVersion = -1;
    /** The READ under way resynchronises: take the server's state without merging (a write of ours was refused). */
    private boolean adoptOnRead;
    /** SUBSCRIBECREATEANDREAD went out on the current connection. */
    boolean subscribeSent;
    /** Change callbacks are held back while the record becomes ready; they then fire once. */
    private boolean quiet;
    boolean hasProvider;
    MergeStrategy strategy;

    private final List<PendingWrite> pending = new ArrayList<>();
    private final ArrayDeque<Message> buffered = new ArrayDeque<>();
    final List<Record> handles = new ArrayList<>();
    /** Discards of the last handle, waiting for the UNSUBSCRIBE or for the record to be taken again. */
    final List<CompletableFuture<Void>> releasing = new ArrayList<>();
    private ScheduledFuture<?> discardTimer;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private volatile View view = new View(-1, EMPTY, State.LOADING, false);

    RecordCore(String name, RecordTopic topic) {
        this.name = name;
        this.topic = topic;
        ready.exceptionally(e -> null); // a record that never gets ready is not an unobserved failure
    }

    View view() {
        return view;
    }

    // ---- handles ----------------------------------------------------------------------------------------------

    void attach(Record handle) {
        if (discardTimer != null) {
            discardTimer.cancel(false);
            discardTimer = null;
        }
        handles.add(handle);
        handle.core = this;
        completeAll(releasing);
    }

    void detach(Record handle, CompletableFuture<Void> done) {
        handles.remove(handle);
        if (!handles.isEmpty() || state.ended()) {
            done.complete(null);
            return;
        }
        releasing.add(done);
        if (state != State.LOADING) {
            scheduleDiscard();
        } // else once it is ready, as the JavaScript client waits for that
    }

    private void scheduleDiscard() {
        if (discardTimer == null) {
            discardTimer = topic.schedule(this::discardNow, topic.recordOptions().discardTimeout().toMillis());
        }
    }

    private void discardNow() {
        discardTimer = null;
        if (!handles.isEmpty() || state.ended()) {
            return;
        }
        List<CompletableFuture<Void>> waiting = new ArrayList<>(releasing);
        releasing.clear();
        end(State.DISCARDED, destroyed());
        topic.unsubscribe(this, waiting);
    }

    void whenReady(Runnable onReady, Consumer<Throwable> onFailure) {
        ready.whenComplete((v, failure) -> {
            if (failure == null) {
                onReady.run();
            } else {
                onFailure.accept(failure);
            }
        });
    }

    // ---- local writes -------------------------------------------------------------------------------------------

    /** A write from a handle or setData. {@code value} null with {@code erase} removes the path. */
    void write(JsonPath path, JsonNode value, boolean erase, CompletableFuture<Void> ack) {
        if (state.ended()) {
            fail(ack, destroyed());
            return;
        }
        if (state == State.LOADING || state == State.RESYNCING || state == State.MERGING) {
            pending.add(new PendingWrite(null, path, value, erase, ack));
            return;
        }
        JsonNode next;
        try {
            next = path == null ? value : path.set(data, erase ? null : value);
        } catch (IllegalArgumentException e) {
            fail(ack, "INVALID_PATH", name + ": " + e.getMessage());
            return;
        }
        if (JsonPath.same(next, data)) {
            complete(ack);
            return;
        }
        change(next);
        if (state == State.READY) {
            send(path, erase ? null : path == null ? next : value, erase, ack);
        } else {
            writtenOffline(ack);
        }
    }

    /** A list edit: the new data is computed from the data at the moment the edit applies. */
    void edit(UnaryOperator<JsonNode> edit, CompletableFuture<Void> ack) {
        if (state.ended()) {
            fail(ack, destroyed());
            return;
        }
        if (state == State.LOADING || state == State.RESYNCING || state == State.MERGING) {
            pending.add(new PendingWrite(edit, null, null, false, ack));
            return;
        }
        write(null, edit.apply(data), false, ack);
    }

    private void writtenOffline(CompletableFuture<Void> ack) {
        if (!dirty) {
            version++;
            dirty = true;
        }
        publish();
        fail(ack, "CLIENT_OFFLINE", name + ": written locally, to be reconciled after the reconnect");
    }

    /** Sends one write with the next version; {@code value} is the data (UPDATE) or the path's value (PATCH). */
    private void send(JsonPath path, JsonNode value, boolean erase, CompletableFuture<Void> ack) {
        version++;
        sentVersion = version;
        publish();
        Message message;
        if (path == null) {
            message = Message.of(RecordAction.UPDATE).data(topic.text(value));
        } else if (erase) {
            message = Message.of(RecordAction.ERASE).path(path.toString());
        } else {
            message = Message.of(RecordAction.PATCH).path(path.toString()).data(topic.text(value));
        }
        topic.sendWrite(message.name(name).version(version), ack);
    }

    /** Applies the writes queued while the record could not send, as one UPDATE (the JavaScript client's way). */
    private void flushPending() {
        if (pending.isEmpty()) {
            return;
        }
        List<PendingWrite> writes = new ArrayList<>(pending);
        pending.clear();
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        JsonNode next = data;
        for (PendingWrite w : writes) {
            try {
                next = w.applyTo(next);
            } catch (IllegalArgumentException e) {
                fail(w.ack(), "INVALID_PATH", name + ": " + e.getMessage());
                continue;
            }
            if (w.ack() != null) {
                acks.add(w.ack());
            }
        }
        if (JsonPath.same(next, data)) {
            completeAll(acks);
            return;
        }
        change(next);
        CompletableFuture<Void> ack = null;
        if (!acks.isEmpty()) {
            ack = new CompletableFuture<>();
            ack.whenComplete((v, failure) -> {
                for (CompletableFuture<Void> a : acks) {
                    if (failure == null) {
                        a.complete(null);
                    } else {
                        a.completeExceptionally(failure);
                    }
                }
            });
        }
        if (state == State.READY) {
            send(null, next, false, ack);
        } else {
            writtenOffline(ack);
        }
    }

    // ---- the server's side ----------------------------------------------------------------------------------

    /** READ_RESPONSE for this name; {@code own} when it answers a READ this record sent. */
    void onReadResponse(int remoteVersion, JsonNode remoteData, boolean own) {
        switch (state) {
            case LOADING -> becomeReady(remoteVersion, remoteData);
            case MERGING -> {
                if (own) {
                    resolve(remoteVersion, remoteData);
                }
            }
            case READY -> {
                // the answer to a snapshot requested before this record existed, newer than what it has
                if (remoteVersion > version && sentVersion <= remoteVersion) {
                    merge(remoteVersion, remoteData);
                }
            }
            default -> { }
        }
    }

    /** This record's own READ failed; RECORD_NOT_FOUND means it is gone. */
    void onReadFailed(EddyClientException error) {
        if (state != State.MERGING) {
            return;
        }
        if ("RECORD_NOT_FOUND".equals(error.event())) {
            deleted();
        } else {
            adoptOnRead = false;
            settle();
        }
    }

    private void becomeReady(int remoteVersion, JsonNode remoteData) {
        JsonNode before = data;
        version = remoteVersion;
        data = remoteData;
        state = State.READY;
        publish();
        dropBufferedUpTo(version);
        // as the JavaScript client: queued writes apply before anyone sees the record, callbacks fire once
        quiet = true;
        try {
            replayBuffered();
            if (state == State.READY) {
                flushPending();
            }
        } finally {
            quiet = false;
        }
        notifyChange(before, data, true);
        ready.complete(null);
        if (handles.isEmpty() && !releasing.isEmpty()) {
            scheduleDiscard();
        }
    }

    /** UPDATE, PATCH, ERASE or PATCH_MULTI from another writer. */
    void onRemoteChange(Message message) {
        switch (state) {
            case LOADING, RESYNCING, MERGING -> buffered.add(message);
            case READY -> apply(message);
            default -> { }
        }
    }

    private void apply(Message message) {
        Integer remoteVersion = message.version();
        if (remoteVersion == null) {
            topic.error("UNSOLICITED_MESSAGE", message.toString());
            return;
        }
        RecordAction action = RecordAction.of(message.action());
        if (remoteVersion == version + 1) {
            JsonNode next;
            try {
                next = topic.applyRemote(data, message);
            } catch (IllegalArgumentException e) {
                topic.error("INVALID_MESSAGE_DATA", name + ": " + e.getMessage());
                startRead(true);
                return;
            }
            version = remoteVersion;
            change(next);
            return;
        }
        if (action == RecordAction.UPDATE && sentVersion <= remoteVersion) {
            JsonNode remote = topic.parse(message.data());
            if (remote != null && remote.isContainerNode()) {
                merge(remoteVersion, remote);
                return;
            }
        }
        startRead(false);
    }

    /** VERSION_EXISTS: a write of ours met a newer version; the message carries the server's state then. */
    void onVersionExists(Message message) {
        if (state != State.READY || message.version() == null) {
            return; // a READ or HEAD under way brings the authoritative state
        }
        int remoteVersion = message.version();
        if (sentVersion > remoteVersion) {
            startRead(false);
        } else if (remoteVersion >= version) {
            JsonNode remote = topic.parse(message.data());
            if (remote != null && remote.isContainerNode()) {
                merge(remoteVersion, remote);
            } else {
                startRead(false);
            }
        } // else older than changes already applied
    }

    /** The server refused a write of ours: take its state, since the refused write must not be merged back in. */
    void onWriteRefused() {
        if (state == State.READY) {
            startRead(true);
        } else if (state == State.MERGING) {
            adoptOnRead = true;
        }
    }

    void onProvider(boolean provided) {
        if (hasProvider == provided || state.ended()) {
            return;
        }
        hasProvider = provided;
        publish();
        for (Record handle : List.copyOf(handles)) {
            for (Consumer<Boolean> callback : List.copyOf(handle.providerCallbacks)) {
                topic.run("provider callback of record '" + name + "'", () -> callback.accept(provided));
            }
        }
    }

    /** Deleted, by this client (DELETE_SUCCESS) or another (DELETED). */
    void deleted() {
        if (state.ended()) {
            return;
        }
        end(State.DELETED, new EddyClientException(Topic.RECORD, "RECORD_DELETED", name));
        completeAll(releasing);
        for (Record handle : List.copyOf(handles)) {
            for (Runnable callback : List.copyOf(handle.deletedCallbacks)) {
                topic.run("deleted callback of record '" + name + "'", callback);
            }
            handle.deletedCallbacks.clear();
        }
    }

    /** The server refused the subscription. */
    void subscribeFailed(EddyClientException cause) {
        if (!state.ended()) {
            end(State.FAILED, cause);
            completeAll(releasing);
        }
    }

    // ---- reconnects -----------------------------------------------------------------------------------------

    void onSessionLost() {
        subscribeSent = false;
        sentVersion = -1;
        adoptOnRead = false;
        buffered.clear();
        if (state == State.READY || state == State.RESYNCING || state == State.MERGING) {
            state = State.OFFLINE;
            publish();
            flushPending(); // writes queued for a merge or the resync now apply as offline writes
        }
    }

    /** Logged in again: an OFFLINE record goes into the SUBSCRIBEANDHEAD. */
    boolean resubscribe() {
        if (state != State.OFFLINE) {
            return false;
        }
        state = State.RESYNCING;
        publish();
        return true;
    }

    /** The server's version after SUBSCRIBEANDHEAD (record-core.js handleHeadResponse). */
    void onHead(int remoteVersion) {
        if (state != State.RESYNCING) {
            return;
        }
        if (remoteVersion == -1) {
            topic.unsubscribe(this, List.of()); // SUBSCRIBEANDHEAD subscribed the missing name too
            deleted();
            return;
        }
        if (dirty) {
            if (version == remoteVersion + 1 && buffered.isEmpty()) {
                // only this client wrote since: send its state with the version it already has
                dirty = false;
                state = State.READY;
                sentVersion = version;
                publish();
                topic.sendWrite(Message.of(RecordAction.UPDATE).name(name).version(version).data(topic.text(data)), null);
                settle();
            } else {
                startRead(false);
            }
        } else if (version == remoteVersion) {
            settle();
        } else {
            startRead(true); // nothing to merge: take the server's state
        }
    }

    // ---- conflicts -----------------------------------------------------------------------------------------------

    private void startRead(boolean adopt) {
        adoptOnRead |= adopt;
        if (state == State.MERGING) {
            return;
        }
        state = State.MERGING;
        publish();
        topic.sendRead(this);
    }

    private void resolve(int remoteVersion, JsonNode remoteData) {
        boolean adopt = adoptOnRead;
        adoptOnRead = false;
        dirty = false;
        dropBufferedUpTo(remoteVersion);
        if (adopt) {
            version = remoteVersion;
            change(remoteData);
            settle();
        } else {
            merge(remoteVersion, remoteData);
        }
    }

    /** Runs the merge strategy against the server's state at {@code remoteVersion}. */
    private void merge(int remoteVersion, JsonNode remoteData) {
        if (JsonPath.same(data, remoteData)) {
            version = remoteVersion;
            publish();
            settle();
            return;
        }
        JsonNode merged;
        try {
            MergeStrategy s = strategy != null ? strategy : topic.recordOptions().mergeStrategy();
            merged = s.merge(data.deepCopy(), version, remoteData.deepCopy(), remoteVersion);
        } catch (RuntimeException e) {
            topic.error("MERGE_FAILED", name + ": " + e);
            merged = null;
        }
        version = remoteVersion;
        if (merged == null || JsonPath.same(merged, remoteData)) {
            change(remoteData);
        } else if (!merged.isContainerNode()) {
            topic.error("MERGE_FAILED", name + ": the merge strategy returned neither an object nor an array");
            change(remoteData);
        } else {
            JsonNode mine = merged.deepCopy();
            change(mine);
            state = State.READY;
            send(null, mine, false, null);
        }
        settle();
    }

    /** Back to READY (or OFFLINE): replays what arrived meanwhile, then sends what was written meanwhile. */
    private void settle() {
        if (state.ended()) {
            return;
        }
        state = topic.isOpen() ? State.READY : State.OFFLINE;
        publish();
        replayBuffered();
        if (state == State.READY || state == State.OFFLINE) {
            flushPending();
        }
    }

    private void replayBuffered() {
        while (state == State.READY && !buffered.isEmpty()) {
            Message next = buffered.poll();
            if (next.version() != null && next.version() > version) {
                apply(next);
            }
        }
    }

    private void dropBufferedUpTo(int v) {
        buffered.removeIf(m -> m.version() == null || m.version() <= v);
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    /** Replaces the data and tells the callbacks whose value changed. */
    private void change(JsonNode next) {
        JsonNode before = data;
        data = next;
        publish();
        if (!quiet) {
            notifyChange(before, next, false);
        }
    }

    private void notifyChange(JsonNode before, JsonNode after, boolean initial) {
        Map<String, JsonNode> values = new HashMap<>();
        for (Record handle : List.copyOf(handles)) {
            for (Map.Entry<String, List<Consumer<JsonNode>>> e : List.copyOf(handle.subscriptions.entrySet())) {
                String path = e.getKey();
                JsonNode now = values.computeIfAbsent(path, p -> JsonPath.get(after, p));
                JsonNode then = JsonPath.get(before, path);
                if (initial ? now.isMissingNode() : JsonPath.same(now, then)) {
                    continue;
                }
                for (Consumer<JsonNode> callback : List.copyOf(e.getValue())) {
                    topic.run("change callback of record '" + name + "'", () -> callback.accept(now.deepCopy()));
                }
            }
        }
    }

    /** Ends the record: it leaves the client's registry; whatever waits on it fails with {@code cause}. */
    void end(State finalState, EddyClientException cause) {
        state = finalState;
        if (discardTimer != null) {
            discardTimer.cancel(false);
            discardTimer = null;
        }
        buffered.clear();
        failPending(cause);
        ready.completeExceptionally(cause);
        publish();
        topic.forget(this);
    }

    /** The client stopped: everything that waits fails. */
    void onStopped(EddyClientException cause) {
        failPending(cause);
        ready.completeExceptionally(cause);
        completeAll(releasing);
    }

    /** Queued writes that will never be sent; only their acks are told, the writer's error listener is not. */
    private void failPending(EddyClientException cause) {
        for (PendingWrite w : pending) {
            if (w.ack() != null) {
                w.ack().completeExceptionally(cause);
            }
        }
        pending.clear();
    }

    private EddyClientException destroyed() {
        return new EddyClientException(Topic.RECORD, "RECORD_ALREADY_DESTROYED", name);
    }

    private void publish() {
        view = new View(version, data, state, hasProvider);
    }

    private static void complete(CompletableFuture<Void> ack) {
        if (ack != null) {
            ack.complete(null);
        }
    }

    private static void completeAll(List<CompletableFuture<Void>> futures) {
        List<CompletableFuture<Void>> copy = new ArrayList<>(futures);
        futures.clear();
        copy.forEach(f -> f.complete(null));
    }

    private void fail(CompletableFuture<Void> ack, String event, String detail) {
        if (ack != null) {
            ack.completeExceptionally(new EddyClientException(Topic.RECORD, event, detail));
        } else {
            topic.error(event, detail);
        }
    }

    private void fail(CompletableFuture<Void> ack, EddyClientException cause) {
        if (ack != null) {
            ack.completeExceptionally(cause);
        } else {
            topic.error(cause.event(), name);
        }
    }

    @Override
    public String toString() {
        return "RecordCore[" + name + ", " + state + " v" + version + "]";
    }
}
