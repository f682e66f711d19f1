package io.eddy.server.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eddy.server.storage.postgres.PostgresRecordStore.ColumnType;
import org.junit.jupiter.api.Test;

import java.util.Comparator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The default column type: PostgreSQL keeps the value, so records load as the same data in its own formatting. */
class PostgresJsonbRecordStoreTest extends PostgresRecordStoreTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Comparator<JsonNode> SAME_NUMBER = (a, b) -> a.isNumber() && b.isNumber()
            ? a.decimalValue().compareTo(b.decimalValue())
            : a.equals(b) ? 0 : 1;

    @Override
    ColumnType columnType() {
        return ColumnType.JSONB;
    }

    @Override
    protected void assertLoaded(StoredRecord expected, StoredRecord actual) {
        assertEquals(expected.version(), actual.version(), "version");
        JsonNode wrote = tree(expected.json());
        JsonNode loaded = tree(actual.json());
        // jsonb keeps numbers as numeric: 1.0e2 comes back as 100, the same number to any JSON reader
        assertTrue(wrote.equals(SAME_NUMBER, loaded), () -> "data: wrote " + wrote + ", loaded " + loaded);
    }

    @Test
    void recordsLoadAsTheSameDataAndCanBeQueriedDirectly() throws Exception {
        String n = name("value");
        String json = "{\"z\":1.0e2,\"a\":[1,2],\"nested\":{\"colour\":\"green\"}}";
        await(store.store(n, StoredRecord.NO_VERSION, 0, json));
        StoredRecord loaded = await(store.load(n));
        assertNotEquals(json, loaded.json(), "jsonb rewrites the text"); // otherwise this class tests nothing jsonb
        assertLoaded(new StoredRecord(0, json), loaded);
        assertEquals("green", sql("SELECT data -> 'nested' ->> 'colour' FROM " + table + " WHERE name = $1", n)
                .iterator().next().getString(0));
    }

    @Test
    void aNulCharacterIsRefusedAndNothingIsStored() throws Exception {
        String n = name("nul");
        StorageException refused = assertThrows(StorageException.class,
                () -> await(store.store(n, StoredRecord.NO_VERSION, 0, "{\"nul\":\"\\u0000\"}")));
        assertTrue(refused.isRefusal(), "retrying the same data cannot succeed: " + refused);
        assertNull(await(store.load(n)));
        await(store.store(n, StoredRecord.NO_VERSION, 0, "{\"nul\":\"\\u0001\"}")); // the record itself is fine
        assertLoaded(new StoredRecord(0, "{\"nul\":\"\\u0001\"}"), await(store.load(n)));
    }

    @Test
    void aTableCreatedWithJsonWorksAsItIs() throws Exception {
        String existing = schema + ".records_made_by_hand";
        sql("CREATE TABLE " + existing + " (name text PRIMARY KEY, version integer NOT NULL, data json NOT NULL)");
        try (RecordStore node = newStore(pool, "by hand", existing)) {
            String n = name("verbatim");
            String json = "{\"z\": 1.0e2,  \"a\":[1, 2]}";
            await(node.store(n, StoredRecord.NO_VERSION, 0, json));
            await(node.store(n, 0, 1, json));
            assertEquals(new StoredRecord(1, json), await(node.load(n)));
        }
    }

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}
