package io.eddy.server.record;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.eddy.protocol.json.JsonText;
import io.eddy.server.session.Session;
import io.eddy.server.storage.StoredRecord;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One record in memory and where its storage stands. Confined to the record's shard thread.
 * <p>
 * The in-memory version leads: writes apply here, go to subscribers at once, and reach storage shortly after.
 * Storage writes of one record never overlap and are coalesced — while one is under way, later versions only mark
 * the record dirty, and the next write stores the newest version. A write acknowledgement waits for the stored
 * version to reach its own.
 */
final class RecordEntry {

    static final ObjectMapper JSON = new ObjectMapper();

    enum State { LOADING, READY }

    /** A client waiting for a write acknowledgement. */
    record PendingAck(int version, Session session, String correlationId) {
    }

    final String name;
    final boolean cacheOnly;
    State state = State.LOADING;

    int version = StoredRecord.NO_VERSION;
    private JsonNode data;
    private String json;
    long approximateBytes;

    int storedVersion = StoredRecord.NO_VERSION;
    boolean storing;
    boolean dirty;
    boolean deletePending;
    final ArrayDeque<PendingAck> acks = new ArrayDeque<>(0);
    final List<Runnable> whenStorageIdle = new ArrayList<>(0);

    RecordEntry(String name, boolean cacheOnly) {
        this.name = name;
        this.cacheOnly = cacheOnly;
    }

    boolean exists() {
        return version != StoredRecord.NO_VERSION;
    }

    JsonNode data() {
        return data;
    }

    /** The data as JSON text; serialised once per change. "{}" for a record that does not exist. */
    String json() {
        if (json == null) {
            if (data == null) {
                return "{}";
            }
            try {
                json = JsonText.escapeLoneSurrogates(JSON.writeValueAsString(data));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            approximateBytes = json.length();
        }
        return json;
    }

    /** Replaces version and data; {@code text} is the data's JSON text when the caller already has it. */
    void replace(int version, JsonNode data, String text) {
        this.version = version;
        this.data = data;
        this.json = text;
        if (text != null) {
            approximateBytes = text.length();
        }
    }

    /** The data changed in place (a patch); the text is serialised again when next needed. */
    void changed(int version, long growth) {
        this.version = version;
        this.json = null;
        approximateBytes += growth;
    }

    void create() {
        replace(0, JsonNodeFactory.instance.objectNode(), "{}");
    }

    void forget() {
        replace(StoredRecord.NO_VERSION, null, null);
        approximateBytes = 0;
    }

    boolean storageIdle() {
        return !storing && !dirty && !deletePending;
    }

    /** Whether the entry may leave the cache without losing anything. */
    boolean evictable(boolean subscribed) {
        return state == State.READY && !subscribed && storageIdle() && acks.isEmpty()
                && (!cacheOnly || !exists());
    }
}
