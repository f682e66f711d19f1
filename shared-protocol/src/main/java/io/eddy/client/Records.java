package io.eddy.client;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Records: named, versioned JSON documents kept in sync between clients (records.md). Obtained from
 * {@link EddyClient#record()}.
 * <p>
 * {@link #getRecord} and {@link #getList} subscribe; {@link #snapshot}, {@link #head}, {@link #has} and the
 * {@code setData} family work without subscribing, and are answered or applied locally when this client holds the
 * record, as in the JavaScript client. Every method is thread-safe and returns at once; futures complete on the
 * client's I/O thread. Futures fail with an {@link EddyClientException}: the server's error action as its event
 * ({@code RECORD_NOT_FOUND}, {@code MESSAGE_DENIED}, {@code STORAGE_RETRIEVAL_TIMEOUT} …), {@code CLIENT_OFFLINE}
 * when the request could not reach the server, {@code RESPONSE_TIMEOUT} after the record read timeout, or the reason
 * the client stopped.
 */
public final class Records {

    private final RecordTopic topic;

    Records(RecordTopic topic) {
        this.topic = topic;
    }

    /**
     * A new handle on the record {@code name}, created on the server if it does not exist yet
     * (SUBSCRIBECREATEANDREAD). Handles of one name share one subscription; see {@link Record}.
     */
    public Record getRecord(String name) {
        Record record = new Record(topic, requireName(name));
        topic.execute(() -> topic.attach(record));
        return record;
    }

    /** A new handle on the list kept in the record {@code name}; see {@link RecordList}. */
    public RecordList getList(String name) {
        return new RecordList(getRecord(name), topic);
    }

    /**
     * The record's current data without subscribing (READ); fails with {@code RECORD_NOT_FOUND} when it does not
     * exist. Requests for one name made while one is under way share its answer. Made while offline, the request
     * waits up to the offline buffer timeout for the connection.
     */
    public CompletableFuture<JsonNode> snapshot(String name) {
        requireName(name);
        CompletableFuture<JsonNode> result = new CompletableFuture<>();
        topic.execute(() -> topic.snapshot(name, result), result);
        return result;
    }

    /** The record's version without subscribing (HEAD); -1 when it does not exist. */
    public CompletableFuture<Integer> head(String name) {
        requireName(name);
        CompletableFuture<Integer> result = new CompletableFuture<>();
        topic.execute(() -> topic.head(name, result), result);
        return result;
    }

    /** Whether the record exists (a {@link #head} that is not -1). */
    public CompletableFuture<Boolean> has(String name) {
        return head(name).thenApply(version -> version != -1);
    }

    /**
     * Replaces the record's data without subscribing (CREATEANDUPDATE with version -1: the server creates the
     * record if needed and writes at its next version). A normal {@link Record#set(Object)} when this client holds
     * the record. Sent after the next login when offline (within the offline buffer timeout).
     */
    public void setData(String name, Object data) {
        requireName(name);
        JsonNode value = topic.container(data);
        topic.execute(() -> topic.setData(name, null, value, false, null));
    }

    /** Sets the value at {@code path} without subscribing (CREATEANDPATCH with version -1). */
    public void setData(String name, String path, Object value) {
        requireName(name);
        JsonPath parsed = JsonPath.parse(path);
        JsonNode node = topic.value(value);
        topic.execute(() -> topic.setData(name, parsed, node, false, null));
    }

    /**
     * Removes the value at {@code path} without subscribing (ERASE with version -1). Unlike the other two it does
     * not create a missing record: the server answers RECORD_UPDATE_ERROR, reported to the error listener.
     */
    public void eraseData(String name, String path) {
        requireName(name);
        JsonPath parsed = JsonPath.parse(path);
        topic.execute(() -> topic.setData(name, parsed, null, true, null));
    }

    /** {@link #setData(String, Object)}, completing once the server stored it; fails at once when offline. */
    public CompletableFuture<Void> setDataWithAck(String name, Object data) {
        requireName(name);
        JsonNode value = topic.container(data);
        CompletableFuture<Void> ack = new CompletableFuture<>();
        topic.execute(() -> topic.setData(name, null, value, false, ack), ack);
        return ack;
    }

    /** {@link #setData(String, String, Object)}, completing once the server stored it. */
    public CompletableFuture<Void> setDataWithAck(String name, String path, Object value) {
        requireName(name);
        JsonPath parsed = JsonPath.parse(path);
        JsonNode node = topic.value(value);
        CompletableFuture<Void> ack = new CompletableFuture<>();
        topic.execute(() -> topic.setData(name, parsed, node, false, ack), ack);
        return ack;
    }

    /**
     * {@link #eraseData}, completing once the server stored it. With a write acknowledgement deepstream creates a
     * missing record, so this one does.
     */
    public CompletableFuture<Void> eraseDataWithAck(String name, String path) {
        requireName(name);
        JsonPath parsed = JsonPath.parse(path);
        CompletableFuture<Void> ack = new CompletableFuture<>();
        topic.execute(() -> topic.setData(name, parsed, null, true, ack), ack);
        return ack;
    }

    /**
     * Tells the server that these records changed in its storage behind its back (NOTIFY): it reloads them and
     * sends their subscribers the stored state, or DELETED when storage has none. Completes on the server's
     * acknowledgement; fails with {@code RECORD_NOTIFY_ERROR}, or {@code CLIENT_OFFLINE} when not connected.
     */
    public CompletableFuture<Void> notify(Collection<String> names) {
        List<String> distinct = new ArrayList<>(new LinkedHashSet<>(Objects.requireNonNull(names, "names")));
        if (distinct.isEmpty()) {
            throw new IllegalArgumentException("no record names");
        }
        distinct.forEach(Records::requireName);
        CompletableFuture<Void> result = new CompletableFuture<>();
        topic.execute(() -> topic.notify(distinct, result), result);
        return result;
    }

    /**
     * Offers to provide the records matching {@code pattern} (a regular expression) while some client subscribes
     * to them; subscribers learn it through {@link Record#hasProvider()}. Same contract as
     * {@link Events#listen}.
     */
    public CompletableFuture<Void> listen(String pattern, ListenCallback callback) {
        requireName(pattern);
        Objects.requireNonNull(callback, "callback");
        CompletableFuture<Void> result = new CompletableFuture<>();
        topic.execute(() -> topic.listening().listen(pattern, callback, result), result);
        return result;
    }

    /** Stops listening to a pattern; see {@link Events#unlisten}. */
    public CompletableFuture<Void> unlisten(String pattern) {
        requireName(pattern);
        CompletableFuture<Void> result = new CompletableFuture<>();
        topic.execute(() -> topic.listening().unlisten(pattern, result), result);
        return result;
    }

    private static String requireName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("record names and patterns must be non-empty strings");
        }
        return name;
    }
}
