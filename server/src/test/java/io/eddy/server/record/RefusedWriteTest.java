package io.eddy.server.record;

import io.eddy.protocol.Message;
import io.eddy.protocol.RecordAction;
import io.eddy.server.testing.LogCapture;
import io.eddy.server.testing.RawClient;
import io.eddy.server.testing.WebSockets;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A write the store refuses for its data — PostgreSQL's jsonb and the escape {@code \u0000} — fails its
 * acknowledgement, is logged once rather than retried forever, and leaves the record writable.
 */
@QuarkusTest
@TestProfile(RefusedWriteTest.PostgresJsonb.class)
class RefusedWriteTest {

    // the process id, not a random name: the profile and the test may be loaded by different class loaders
    private static final String TABLE = "eddy_refused_" + ProcessHandle.current().pid();

    public static class PostgresJsonb implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("eddy.storage.type", "postgres",
                    "eddy.storage.postgres.url", "postgresql://postgres@127.0.0.1:5432/test",
                    "eddy.storage.postgres.table", TABLE,
                    "eddy.storage.postgres.column-type", "jsonb");
        }
    }

    @TestHTTPResource("/deepstream")
    URI http;

    @Test
    void aRefusedWriteFailsItsAckOnceAndTheNextWriteIsStored() throws Exception {
        String name = "refused/" + UUID.randomUUID();
        try (LogCapture log = new LogCapture(RecordShard.class);
             RawClient writer = RawClient.login(WebSockets.ws(http), "writer");
             RawClient reader = RawClient.login(WebSockets.ws(http), "reader")) {
            writer.send(Message.of(RecordAction.CREATEANDUPDATE).name(name).version(-1)
                    .data("{\"text\":\"a\\u0000b\"}").correlationId("nul").isWriteAck(true));
            Message failed = writer.expect(RecordAction.RECORD_UPDATE_ERROR);
            assertEquals("nul", failed.correlationId());
            assertTrue(failed.isWriteAck());

            // the store retries failed writes every second; a refusal must not be among them
            Thread.sleep(2500);
            List<String> warnings = log.awaitWarnings();
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).contains("storage refused version 1 of record '" + name + "'"), warnings.get(0));
            assertEquals(List.of(), rows(name), "nothing is stored");

            writer.send(Message.of(RecordAction.CREATEANDUPDATE).name(name).version(-1)
                    .data("{\"text\":\"ab\"}").correlationId("clean").isWriteAck(true));
            assertEquals("clean", writer.expect(RecordAction.WRITE_ACKNOWLEDGEMENT).correlationId());
            assertEquals(List.of("2 ab"), rows(name));

            reader.send(Message.of(RecordAction.READ).name(name));
            Message read = reader.expect(RecordAction.READ_RESPONSE);
            assertEquals(2, read.version());
            assertEquals("{\"text\":\"ab\"}", read.data());
        }
    }

    /** What PostgreSQL holds for the record, as "version text". */
    private static List<String> rows(String name) throws Exception {
        List<String> found = new ArrayList<>();
        sql("SELECT version, data ->> 'text' FROM " + TABLE + " WHERE name = $1", Tuple.of(name))
                .forEach(row -> found.add(row.getInteger(0) + " " + row.getString(1)));
        return found;
    }

    @AfterAll
    static void dropTable() throws Exception {
        sql("DROP TABLE IF EXISTS " + TABLE, Tuple.tuple());
    }

    /** A statement on a connection of its own: the server under test keeps its pool to itself. */
    private static RowSet<Row> sql(String statement, Tuple parameters) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            Pool pool = PgBuilder.pool().using(vertx).connectingTo(connectOptions()).build();
            try {
                return pool.preparedQuery(statement).execute(parameters).toCompletionStage().toCompletableFuture()
                        .get(10, TimeUnit.SECONDS);
            } finally {
                pool.close();
            }
        } finally {
            vertx.close();
        }
    }

    private static PgConnectOptions connectOptions() {
        return new PgConnectOptions().setHost("127.0.0.1").setPort(5432).setDatabase("test").setUser("postgres");
    }
}
