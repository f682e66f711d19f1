package io.eddy.server.storage;

import io.eddy.server.storage.postgres.PostgresRecordStore;
import io.eddy.server.storage.postgres.PostgresRecordStore.ColumnType;
import io.eddy.server.testing.LogCapture;
import io.eddy.server.testing.TcpRelay;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract against the PostgreSQL at 127.0.0.1:5432 (database test, user postgres), in a schema of the test
 * class's own that it drops at the end, plus what only a networked store can get wrong; once per column type.
 */
abstract class PostgresRecordStoreTest extends RecordStoreContract {

    static final String HOST = "127.0.0.1";
    static final int PORT = 5432;
    static final String DATABASE = "test";
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final AtomicInteger TABLES = new AtomicInteger();

    static Vertx vertx;
    static Pool pool;
    static String schema;

    String table;

    /** The type of the data column in tables the stores under test create. */
    abstract ColumnType columnType();

    RecordStore newStore(Pool on, String endpoint, String tableName) {
        return new PostgresRecordStore(on, endpoint, tableName, columnType(), TIMEOUT);
    }

    @BeforeAll
    static void createSchema() throws Exception {
        vertx = Vertx.vertx();
        pool = newPool(PORT);
        schema = "eddy_test_" + UUID.randomUUID().toString().replace("-", "");
        try {
            sql("CREATE SCHEMA " + schema);
        } catch (Exception e) {
            throw new IllegalStateException("these tests need PostgreSQL at " + HOST + ":" + PORT + ", database "
                    + DATABASE + ", user postgres without a password", e);
        }
    }

    @AfterAll
    static void dropSchema() throws Exception {
        try {
            if (pool != null && schema != null) {
                sql("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        } finally {
            if (pool != null) {
                pool.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
            if (vertx != null) {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        }
    }

    private static Pool newPool(int port) {
        return PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(8))
                .connectingTo(new PgConnectOptions().setHost(HOST).setPort(port).setDatabase(DATABASE).setUser("postgres"))
                .using(vertx)
                .build();
    }

    static RowSet<Row> sql(String statement, Object... parameters) throws Exception {
        return await(pool.preparedQuery(statement).execute(Tuple.from(parameters)).toCompletionStage());
    }

    @Override
    protected RecordStore open() {
        table = schema + ".records_" + TABLES.incrementAndGet();
        return reopen();
    }

    @Override
    protected RecordStore reopen() {
        return newStore(pool, HOST + ":" + PORT + "/" + DATABASE, table);
    }

    @Test
    void descriptionNamesTheServerAndTheTable() {
        assertEquals("postgresql (127.0.0.1:5432/test, table " + table + ")", store.description());
    }

    @Test
    void tableHasTheDocumentedLayout() throws Exception {
        await(store.load(name("any"))); // creates the table
        Map<String, String> columns = new HashMap<>();
        for (Row row : sql("SELECT column_name, data_type, is_nullable FROM information_schema.columns"
                + " WHERE table_schema = $1 AND table_name = $2", schema, table.substring(schema.length() + 1))) {
            columns.put(row.getString(0), row.getString(1) + (row.getString(2).equals("NO") ? " not null" : ""));
        }
        String data = columnType().name().toLowerCase(Locale.ROOT) + " not null";
        assertEquals(Map.of("name", "text not null", "version", "integer not null", "data", data), columns);
        assertEquals("name", sql("SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
                + " AND a.attnum = ANY(i.indkey) WHERE i.indrelid = $1::regclass AND i.indisprimary", table)
                .iterator().next().getString(0));
    }

    @Test
    void invalidJsonIsRefused() {
        StorageException refused = assertThrows(StorageException.class,
                () -> await(store.store(name("bad"), StoredRecord.NO_VERSION, 0, "{nope")));
        assertTrue(refused.isRefusal(), refused.toString());
    }

    @Test
    void nodesSharingOneDatabaseSeeOneVersionOrder() throws Exception {
        Pool otherPool = newPool(PORT);
        try (RecordStore other = newStore(otherPool, "other node", table)) {
            assertExactlyOneWinner(name("nodes"), 40, store, other);
        } finally {
            otherPool.close();
        }
    }

    @Test
    void nodesStartingTogetherAllCreateTheTable() throws Exception {
        // The race is a matter of microseconds: connections are opened beforehand so that the creations reach the
        // database together, and several rounds on fresh tables make a regression show up.
        for (int round = 0; round < 20; round++) {
            String fresh = schema + ".records_race_" + round;
            List<Pool> pools = new ArrayList<>();
            try {
                List<RecordStore> nodes = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    Pool p = newPool(PORT);
                    pools.add(p);
                    p.query("SELECT 1").execute().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
                    nodes.add(newStore(p, "node " + i, fresh));
                }
                List<CompletableFuture<Void>> writes = new ArrayList<>();
                for (int i = 0; i < nodes.size(); i++) {
                    writes.add(nodes.get(i).store("from/" + i, StoredRecord.NO_VERSION, 0, "{}").toCompletableFuture());
                }
                CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
                assertEquals(8L, sql("SELECT count(*) FROM " + fresh).iterator().next().getLong(0), "round " + round);
            } finally {
                pools.forEach(Pool::close);
            }
        }
    }

    @Test
    void unreachableDatabaseFailsOperationsPromptly() throws Exception {
        Pool nowhere = newPool(closedPort());
        try (RecordStore unreachable = newStore(nowhere, "nowhere", table)) {
            String n = name("nowhere");
            assertFailsPromptly(() -> unreachable.load(n).toCompletableFuture());
            assertFailsPromptly(() -> unreachable.store(n, StoredRecord.NO_VERSION, 0, "{}").toCompletableFuture());
            assertFailsPromptly(() -> unreachable.delete(n).toCompletableFuture());
        } finally {
            nowhere.close();
        }
    }

    @Test
    void operationsFailWhileTheDatabaseIsUnreachableAndWorkAgainAfterwards() throws Exception {
        String fresh = schema + ".records_outage";
        try (TcpRelay relay = new TcpRelay(vertx, HOST, PORT).open()) {
            Pool relayed = newPool(relay.port());
            try (RecordStore node = newStore(relayed, "relay", fresh)) {
                relay.cut(); // before the table exists: its creation fails and must be retried later
                String n = name("outage");
                assertFailsPromptly(() -> node.store(n, StoredRecord.NO_VERSION, 0, "{}").toCompletableFuture());
                relay.open();
                await(node.store(n, StoredRecord.NO_VERSION, 0, "{\"before\":true}"));
                relay.cut(); // now with pooled connections that break under it
                assertFailsPromptly(() -> node.load(n).toCompletableFuture());
                assertFailsPromptly(() -> node.store(n, 0, 1, "{}").toCompletableFuture());
                assertFailsPromptly(() -> node.delete(n).toCompletableFuture());
                relay.open();
                assertLoaded(new StoredRecord(0, "{\"before\":true}"), await(node.load(n)));
                await(node.store(n, 0, 1, "{\"after\":true}"));
                await(node.delete(n));
                assertNull(await(node.load(n)));
            } finally {
                relayed.close();
            }
        }
    }

    @Test
    void warnsWhenCommitsAreNotFlushed() throws Exception {
        // a session setting, so the shared server stays as it is
        Pool careless = PgBuilder.pool()
                .connectingTo(new PgConnectOptions().setHost(HOST).setPort(PORT).setDatabase(DATABASE).setUser("postgres")
                        .setProperties(Map.of("synchronous_commit", "off")))
                .using(vertx)
                .build();
        try (LogCapture log = new LogCapture(PostgresRecordStore.class);
             RecordStore node = newStore(careless, "careless", table)) {
            assertNull(await(node.load(name("any"))));
            List<String> warnings = log.awaitWarnings();
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).contains("synchronous_commit off"), warnings.get(0));
        } finally {
            careless.close();
        }
    }


    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
