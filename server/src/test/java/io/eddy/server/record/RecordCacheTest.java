package io.eddy.server.record;

import io.eddy.protocol.Message;
import io.eddy.protocol.RecordAction;
import io.eddy.server.node.EddyNode;
import jakarta.inject.Inject;
import io.eddy.server.testing.RawClient;
import io.eddy.server.testing.WebSockets;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A cache far smaller than the data: unsubscribed records leave memory and come back from storage intact, and
 * memory-only records (storage exclusion prefixes) are kept.
 */
@QuarkusTest
@TestProfile(RecordCacheTest.SmallCache.class)
class RecordCacheTest {

    public static class SmallCache implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("eddy.records.cache-max-entries", "32",
                    "eddy.records.shards", "2",
                    "eddy.records.storage-exclusion-prefixes", "volatile/,tmp-",
                    "eddy.storage.embedded.path", "target/test-data/cache-test-" + UUID.randomUUID() + ".db");
        }
    }

    @TestHTTPResource("/deepstream")
    URI http;

    @Inject
    EddyNode node;

    @Test
    void evictedRecordsComeBackFromStorage() {
        String prefix = "evict/" + UUID.randomUUID();
        try (RawClient c = RawClient.login(WebSockets.ws(http), "writer")) {
            for (int i = 0; i < 500; i++) {
                c.send(Message.of(RecordAction.CREATEANDUPDATE).name(prefix + "/" + i).version(-1)
                        .data("{\"i\":" + i + "}").correlationId(Integer.toString(i)).isWriteAck(true));
            }
            for (int i = 0; i < 500; i++) {
                c.expect(RecordAction.WRITE_ACKNOWLEDGEMENT);
            }
            assertTrue(node.records().cachedRecords() <= 64, "the cache keeps about 32 records, holds "
                    + node.records().cachedRecords());
            for (int i = 0; i < 500; i += 7) {
                c.send(Message.of(RecordAction.READ).name(prefix + "/" + i));
                assertEquals(Message.of(RecordAction.READ_RESPONSE).name(prefix + "/" + i).version(1)
                        .data("{\"i\":" + i + "}"), c.next());
            }
        }
    }

    @Test
    void subscribedRecordsStayCurrentWhileOthersAreEvicted() {
        String hot = "hot/" + UUID.randomUUID();
        try (RawClient a = RawClient.login(WebSockets.ws(http), "a"); RawClient b = RawClient.login(WebSockets.ws(http), "b")) {
            b.send(Message.of(RecordAction.SUBSCRIBECREATEANDREAD).names(List.of(hot)).correlationId("0"));
            b.next();
            b.expect(RecordAction.READ_RESPONSE);
            for (int i = 0; i < 300; i++) {
                a.send(Message.of(RecordAction.CREATEANDUPDATE).name("cold/" + UUID.randomUUID()).version(-1).data("{}"));
                if (i % 10 == 0) {
                    a.send(Message.of(RecordAction.CREATEANDUPDATE).name(hot).version(-1).data("{\"i\":" + i + "}"));
                }
            }
            for (int i = 0; i < 300; i += 10) {
                Message update = b.expect(RecordAction.UPDATE);
                assertEquals("{\"i\":" + i + "}", update.data());
                assertEquals(i / 10 + 1, update.version());
            }
        }
    }

    @Test
    void memoryOnlyRecordsAreNeitherStoredNorEvicted() {
        String name = "volatile/" + UUID.randomUUID();
        try (RawClient c = RawClient.login(WebSockets.ws(http), "v")) {
            c.send(Message.of(RecordAction.CREATEANDUPDATE).name(name).version(-1).data("{\"kept\":true}")
                    .correlationId("1").isWriteAck(true));
            assertEquals("1", c.expect(RecordAction.WRITE_ACKNOWLEDGEMENT).correlationId());
            for (int i = 0; i < 300; i++) {
                c.send(Message.of(RecordAction.CREATEANDUPDATE).name("filler/" + UUID.randomUUID()).version(-1).data("{}")
                        .correlationId("f" + i).isWriteAck(true));
            }
            for (int i = 0; i < 300; i++) { // the fillers are in (on any shard) before the read, so eviction has run
                c.expect(RecordAction.WRITE_ACKNOWLEDGEMENT);
            }
            assertTrue(node.records().cachedRecords() <= 64, "the cache keeps about 32 records, holds "
                    + node.records().cachedRecords());
            c.send(Message.of(RecordAction.READ).name(name));
            assertEquals(Message.of(RecordAction.READ_RESPONSE).name(name).version(1).data("{\"kept\":true}"), c.next());
        }
    }
}
