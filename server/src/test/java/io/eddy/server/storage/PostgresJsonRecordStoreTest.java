package io.eddy.server.storage;

import io.eddy.server.storage.postgres.PostgresRecordStore.ColumnType;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code column-type=json}: records load as the exact text clients wrote. */
class PostgresJsonRecordStoreTest extends PostgresRecordStoreTest {

    @Override
    ColumnType columnType() {
        return ColumnType.JSON;
    }

    @Test
    void jsonTextLoadsVerbatimAndCanBeQueriedAsJsonb() throws Exception {
        String n = name("verbatim");
        // all of these would change in a jsonb column; \u0000 would be refused
        String json = "{\"z\": 1.0e2,  \"a\":[1, 2],\"a\":3, \"nul\":\"\\u0000\"}";
        await(store.store(n, StoredRecord.NO_VERSION, 0, json));
        assertEquals(new StoredRecord(0, json), await(store.load(n)));
        String k = name("query");
        await(store.store(k, StoredRecord.NO_VERSION, 0, "{\"colour\":\"green\",\"n\":[1,2]}"));
        assertEquals("green", sql("SELECT data::jsonb ->> 'colour' FROM " + table + " WHERE name = $1", k)
                .iterator().next().getString(0));
    }
}
