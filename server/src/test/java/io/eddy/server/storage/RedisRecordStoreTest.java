package io.eddy.server.storage;

import io.eddy.server.storage.redis.RedisRecordStore;
import io.eddy.server.testing.LogCapture;
import io.eddy.server.testing.RedisServerProcess;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The contract against a redis-server of this class's own, plus what only a networked store can get wrong. */
class RedisRecordStoreTest extends RecordStoreContract {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    static Path dir;

    private static RedisServerProcess server;
    private static Vertx vertx;
    private static Redis client;

    private String prefix;

    @BeforeAll
    static void startRedis() throws Exception {
        server = RedisServerProcess.start(dir);
        vertx = Vertx.vertx();
        client = newClient();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        try {
            if (client != null) {
                client.close();
            }
            if (vertx != null) {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    private static Redis newClient() {
        return Redis.createClient(vertx, new RedisOptions().setConnectionString(server.connectionString()));
    }

    @Override
    protected RecordStore open() {
        prefix = "eddy:test:" + UUID.randomUUID() + ":";
        return reopen();
    }

    @Override
    protected RecordStore reopen() {
        return new RedisRecordStore(client, server.endpoint(), prefix, TIMEOUT);
    }

    private static Response redis(Request request) throws Exception {
        return await(client.send(request).toCompletionStage());
    }

    @Test
    void descriptionNamesTheServerAndThePrefix() {
        assertEquals("redis (" + server.endpoint() + ", prefix " + prefix + ")", store.description());
        assertEquals("redis (127.0.0.1:6379, prefix eddy:record:)",
                new RedisRecordStore(client, "127.0.0.1:6379").description());
    }

    @Test
    void aRecordIsOneHashWithVersionAndData() throws Exception {
        String n = name("layout");
        await(store.store(n, StoredRecord.NO_VERSION, 3, "{\"a\":[1,2]}"));
        assertEquals("hash", redis(Request.cmd(Command.TYPE).arg(prefix + n)).toString());
        Response fields = redis(Request.cmd(Command.HGETALL).arg(prefix + n));
        assertEquals("3", fields.get("v").toString());
        assertEquals("{\"a\":[1,2]}", fields.get("d").toString());
        assertEquals(2, fields.getKeys().size());
    }

    @Test
    void nodesSharingOneRedisSeeOneVersionOrder() throws Exception {
        Redis otherClient = newClient();
        try (RecordStore other = new RedisRecordStore(otherClient, server.endpoint(), prefix, TIMEOUT)) {
            assertExactlyOneWinner(name("nodes"), 40, store, other);
        } finally {
            otherClient.close();
        }
    }

    @Test
    void flushedScriptCacheIsRefilledWithEval() throws Exception {
        String n = name("noscript");
        await(store.store(n, StoredRecord.NO_VERSION, 0, "{}"));
        redis(Request.cmd(Command.SCRIPT).arg("FLUSH"));
        await(store.store(n, 0, 1, "{\"after\":\"flush\"}"));
        assertEquals(new StoredRecord(1, "{\"after\":\"flush\"}"), await(store.load(n)));
        VersionConflictException conflict = assertThrows(VersionConflictException.class,
                () -> await(store.store(n, 0, 2, "{}")));
        assertEquals(1, conflict.storedVersion());
    }

    @Test
    void burstBeyondTheClientsWaitingQueueWaitsInsteadOfFailing() throws Exception {
        String p = name("burst");
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (int i = 0; i < 6000; i++) { // the client refuses more than 2048 unanswered commands per connection
            writes.add(store.store(p + "/" + i, StoredRecord.NO_VERSION, i, "[" + i + "]").toCompletableFuture());
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        assertEquals(new StoredRecord(5999, "[5999]"), await(store.load(p + "/5999")));
    }

    @Test
    void acknowledgedWriteSurvivesSigkillOfRedis() throws Exception {
        String n = name("crash");
        await(store.store(n, StoredRecord.NO_VERSION, 0, "{\"step\":0}"));
        await(store.store(n, 0, 1, "{\"step\":1,\"text\":\"grüße 😀\"}"));
        server.kill();
        server.start();
        assertEquals(new StoredRecord(1, "{\"step\":1,\"text\":\"grüße 😀\"}"), await(store.load(n)));
        await(store.store(n, 1, 2, "{\"step\":2}")); // the restarted Redis has no cached script
        assertEquals(2, await(store.load(n)).version());
    }

    @Test
    void operationsFailPromptlyWhileRedisIsDownAndWorkAgainAfterItsRestart() throws Exception {
        String n = name("outage");
        await(store.store(n, StoredRecord.NO_VERSION, 0, "{\"before\":true}"));
        server.kill();
        try {
            assertFailsPromptly(() -> store.load(n).toCompletableFuture());
            assertFailsPromptly(() -> store.store(n, 0, 1, "{}").toCompletableFuture());
            assertFailsPromptly(() -> store.delete(n).toCompletableFuture());
            assertFailsPromptly(() -> store.load(n).toCompletableFuture()); // and again: no stuck reconnect
        } finally {
            server.start();
        }
        assertEquals(new StoredRecord(0, "{\"before\":true}"), await(store.load(n)));
        await(store.store(n, 0, 1, "{\"after\":true}"));
        assertEquals(1, assertThrows(VersionConflictException.class, () -> await(store.store(n, 0, 1, "{}"))).storedVersion());
        await(store.delete(n));
        assertNull(await(store.load(n)));
    }

    @Test
    void operationsOnAHungRedisTimeOutAndTheStoreRecovers() throws Exception {
        String n = name("hung");
        try (RecordStore impatient = new RedisRecordStore(client, server.endpoint(), prefix, Duration.ofMillis(500))) {
            await(impatient.store(n, StoredRecord.NO_VERSION, 0, "{}"));
            server.signal("STOP");
            try {
                long start = System.nanoTime();
                ExecutionException e = assertThrows(ExecutionException.class,
                        () -> impatient.load(n).toCompletableFuture().get(5, TimeUnit.SECONDS));
                assertInstanceOf(StorageException.class, e.getCause());
                assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2), "took too long to time out");
            } finally {
                server.signal("CONT");
            }
            assertEquals(new StoredRecord(0, "{}"), await(impatient.load(n)));
        }
    }

    @Test
    void warnsWhenRedisDoesNotFsyncEveryWrite() throws Exception {
        redis(Request.cmd(Command.CONFIG).arg("SET").arg("appendfsync").arg("everysec"));
        Redis freshClient = newClient();
        try (LogCapture log = new LogCapture(RedisRecordStore.class);
             RecordStore careless = new RedisRecordStore(freshClient, server.endpoint(), prefix, TIMEOUT)) {
            assertNull(await(careless.load(name("any"))));
            List<String> warnings = log.awaitWarnings();
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).contains("appendfsync everysec"), warnings.get(0));
        } finally {
            redis(Request.cmd(Command.CONFIG).arg("SET").arg("appendfsync").arg("always"));
            freshClient.close();
        }
    }
}
