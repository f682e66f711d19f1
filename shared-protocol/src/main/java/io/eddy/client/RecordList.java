package io.eddy.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A list of strings (typically record names) kept in a record whose data is a JSON array, as the JavaScript
 * client's {@code List} (records.md, "Client-side constructs"). Obtained from {@link Records#getList}. All list logic
 * is local: every change sends the whole array as one UPDATE. Data that is not an array, such as the {@code {}} of a
 * new record, reads as an empty list; elements that are not strings read as their JSON text.
 * <p>
 * Thread-safety, readiness, discarding and conflicts are those of the underlying {@link Record}. A change is
 * computed on the I/O thread from the entries at that moment, so changes from several threads do not overwrite each
 * other.
 */
public final class RecordList {

    private final Record record;
    private final RecordTopic topic;
    /** User callbacks and the record callbacks standing in for them; touched on the I/O thread only. */
    private final Map<Consumer<List<String>>, Consumer<JsonNode>> callbacks = new HashMap<>();

    RecordList(Record record, RecordTopic topic) {
        this.record = record;
        this.topic = topic;
    }

    public String name() {
        return record.name();
    }

    /** The record underneath, for what a list does not offer (version, provider, merge strategy). */
    public Record record() {
        return record;
    }

    public CompletableFuture<RecordList> whenReady() {
        return record.whenReady().thenApply(r -> this);
    }

    public boolean isReady() {
        return record.isReady();
    }

    /** The entries, as an unmodifiable list. */
    public List<String> getEntries() {
        return entries(record.get());
    }

    public boolean isEmpty() {
        return getEntries().isEmpty();
    }

    /** Replaces every entry. */
    public void setEntries(List<String> entries) {
        record.set(topic.array(checked(entries)));
    }

    public CompletableFuture<Void> setEntriesWithAck(List<String> entries) {
        return record.setWithAck(topic.array(checked(entries)));
    }

    /** Appends an entry. */
    public void addEntry(String entry) {
        Objects.requireNonNull(entry, "entry");
        change(list -> list.add(entry), null);
    }

    /**
     * Inserts an entry at {@code index}, from 0 to the current size.
     *
     * @throws IndexOutOfBoundsException when the index is outside the current entries
     */
    public void addEntry(String entry, int index) {
        Objects.requireNonNull(entry, "entry");
        checkIndex(index);
        change(list -> list.add(Math.min(index, list.size()), entry), null);
    }

    /** Removes every occurrence of {@code entry}. */
    public void removeEntry(String entry) {
        Objects.requireNonNull(entry, "entry");
        change(list -> list.removeIf(entry::equals), null);
    }

    /**
     * Removes {@code entry} at {@code index} only, if it is there.
     *
     * @throws IndexOutOfBoundsException when the index is outside the current entries
     */
    public void removeEntry(String entry, int index) {
        Objects.requireNonNull(entry, "entry");
        checkIndex(index);
        change(list -> {
            if (index < list.size() && list.get(index).equals(entry)) {
                list.remove(index);
            }
        }, null);
    }

    /** {@link #addEntry(String)}, completing once the server stored it. */
    public CompletableFuture<Void> addEntryWithAck(String entry) {
        Objects.requireNonNull(entry, "entry");
        CompletableFuture<Void> ack = new CompletableFuture<>();
        change(list -> list.add(entry), ack);
        return ack;
    }

    /** {@link #removeEntry(String)}, completing once the server stored it. */
    public CompletableFuture<Void> removeEntryWithAck(String entry) {
        Objects.requireNonNull(entry, "entry");
        CompletableFuture<Void> ack = new CompletableFuture<>();
        change(list -> list.removeIf(entry::equals), ack);
        return ack;
    }

    /** Calls {@code callback} with the entries whenever they change; also once when the list becomes ready. */
    public void subscribe(Consumer<List<String>> callback) {
        Objects.requireNonNull(callback, "callback");
        Consumer<JsonNode> wrapper = data -> callback.accept(entries(data));
        topic.execute(() -> callbacks.put(callback, wrapper));
        record.subscribe(wrapper);
    }

    public void unsubscribe(Consumer<List<String>> callback) {
        Objects.requireNonNull(callback, "callback");
        topic.execute(() -> {
            Consumer<JsonNode> wrapper = callbacks.remove(callback);
            if (wrapper != null) {
                record.unsubscribe(wrapper);
            }
        });
    }

    public CompletableFuture<Void> delete() {
        return record.delete();
    }

    public CompletableFuture<Void> discard() {
        return record.discard();
    }

    @Override
    public String toString() {
        return "RecordList[" + record.name() + "]";
    }

    private void change(Consumer<List<String>> edit, CompletableFuture<Void> ack) {
        topic.editList(record, data -> {
            List<String> list = new ArrayList<>(entries(data));
            edit.accept(list);
            return topic.array(list);
        }, ack);
    }

    /** As the JavaScript client: an index from 0 to the current size (which removes nothing). */
    private void checkIndex(int index) {
        int size = getEntries().size();
        if (index < 0 || index > size) {
            throw new IndexOutOfBoundsException("index " + index + " outside the " + size + " entries of list '"
                    + record.name() + "'");
        }
    }

    private static List<String> checked(List<String> entries) {
        Objects.requireNonNull(entries, "entries");
        for (String entry : entries) {
            Objects.requireNonNull(entry, "list entries must not be null");
        }
        return entries;
    }

    static List<String> entries(JsonNode data) {
        if (data == null || !data.isArray()) {
            return List.of();
        }
        List<String> entries = new ArrayList<>(data.size());
        for (JsonNode element : data) {
            entries.add(element.isTextual() ? element.textValue() : element.toString());
        }
        return List.copyOf(entries);
    }
}
