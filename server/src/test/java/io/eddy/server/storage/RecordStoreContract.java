package io.eddy.server.storage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link RecordStore} must do, run against each implementation with a real backend. Subclasses create the
 * store (and whatever server it needs) and may reopen it to check that data outlives the store object.
 */
public abstract class RecordStoreContract {

    protected RecordStore store;

    /** A fresh store over an empty (or uniquely named) storage space. */
    protected abstract RecordStore open() throws Exception;

    /** The same storage opened again, as after a restart. */
    protected abstract RecordStore reopen() throws Exception;

    @BeforeEach
    void openStore() throws Exception {
        store = open();
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    protected static <T> T await(CompletionStage<T> stage) throws Exception {
        try {
            return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    /**
     * The record loaded is the one stored. Stores keep the exact text, so by default the text must match; a store that
     * keeps the value instead (PostgreSQL jsonb) compares data as JSON.
     */
    protected void assertLoaded(StoredRecord expected, StoredRecord actual) {
        assertEquals(expected, actual);
    }

    protected static String name(String prefix) {
        return prefix + "/" + UUID.randomUUID();
    }

    @Test
    void missingRecordLoadsAsNull() throws Exception {
        assertNull(await(store.load(name("missing"))));
    }

    @Test
    void storesVersionsInOrder() throws Exception {
        String n = name("doc");
        await(store.store(n, StoredRecord.NO_VERSION, 0, "{}"));
        await(store.store(n, 0, 1, "{\"a\":1}"));
        await(store.store(n, 1, 5, "[1,2,3]"));
        assertLoaded(new StoredRecord(5, "[1,2,3]"), await(store.load(n)));
    }

    @Test
    void conditionalWriteRefusesTheWrongExpectedVersion() throws Exception {
        String n = name("cas");
        await(store.store(n, StoredRecord.NO_VERSION, 3, "{\"v\":3}"));
        VersionConflictException stale = assertThrows(VersionConflictException.class,
                () -> await(store.store(n, 2, 4, "{\"v\":\"stale\"}")));
        assertEquals(3, stale.storedVersion());
        VersionConflictException exists = assertThrows(VersionConflictException.class,
                () -> await(store.store(n, StoredRecord.NO_VERSION, 0, "{}")));
        assertEquals(3, exists.storedVersion());
        VersionConflictException missing = assertThrows(VersionConflictException.class,
                () -> await(store.store(name("nothing"), 0, 1, "{}")));
        assertEquals(StoredRecord.NO_VERSION, missing.storedVersion());
        assertLoaded(new StoredRecord(3, "{\"v\":3}"), await(store.load(n)));
    }

    @Test
    void concurrentWritersOfOneVersionHaveExactlyOneWinner() throws Exception {
        assertExactlyOneWinner(name("race"), 20, store);
    }

    /**
     * Creates {@code n} at version 0, then races {@code attempts} writers of version 1, spread over the given stores
     * in turn (one store, or several nodes sharing one backend): exactly one wins, every loser is told that version 1
     * is stored, and every store then loads the same record.
     */
    protected static void assertExactlyOneWinner(String n, int attempts, RecordStore... nodes) throws Exception {
        await(nodes[0].store(n, StoredRecord.NO_VERSION, 0, "{}"));
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (int i = 0; i < attempts; i++) {
            writes.add(nodes[i % nodes.length].store(n, 0, 1, "{\"writer\":" + i + "}").toCompletableFuture());
        }
        int won = 0;
        for (CompletableFuture<Void> w : writes) {
            try {
                w.get(10, TimeUnit.SECONDS);
                won++;
            } catch (ExecutionException e) {
                VersionConflictException conflict = assertInstanceOf(VersionConflictException.class, e.getCause());
                assertEquals(1, conflict.storedVersion());
            }
        }
        assertEquals(1, won);
        StoredRecord stored = await(nodes[0].load(n));
        assertEquals(1, stored.version());
        for (RecordStore node : nodes) {
            assertEquals(stored, await(node.load(n)));
        }
    }

    /** The operation fails with a {@link StorageException} within 3 s, rather than hanging until a timeout. */
    protected static void assertFailsPromptly(Supplier<CompletableFuture<?>> operation) {
        long start = System.nanoTime();
        ExecutionException e = assertThrows(ExecutionException.class, () -> operation.get().get(10, TimeUnit.SECONDS));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        StorageException failure = assertInstanceOf(StorageException.class, e.getCause());
        assertFalse(failure.isRefusal(), "an unreachable store is worth retrying: " + failure);
        assertTrue(millis < 3000, "failing took " + millis + " ms");
    }

    @Test
    void deleteRemovesAndIsIdempotent() throws Exception {
        String n = name("del");
        await(store.store(n, StoredRecord.NO_VERSION, 2, "{\"x\":true}"));
        await(store.delete(n));
        assertNull(await(store.load(n)));
        await(store.delete(n));
        await(store.store(n, StoredRecord.NO_VERSION, 0, "{}")); // can be created again
        assertEquals(0, await(store.load(n)).version());
    }

    @Test
    void largeAndUnicodeRecordsRoundTrip() throws Exception {
        String n = name("big/ü😀");
        String big = "{\"text\":\"" + "grüße 😀 ".repeat(100_000) + "\"}"; // about 1.1 MB of UTF-8
        await(store.store(n, StoredRecord.NO_VERSION, 0, big));
        assertLoaded(new StoredRecord(0, big), await(store.load(n)));
    }

    @Test
    void manyRecordsAtOnce() throws Exception {
        String prefix = name("many");
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            writes.add(store.store(prefix + "/" + i, StoredRecord.NO_VERSION, 0, "{\"i\":" + i + "}").toCompletableFuture());
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        for (int i = 0; i < 2000; i += 97) {
            assertLoaded(new StoredRecord(0, "{\"i\":" + i + "}"), await(store.load(prefix + "/" + i)));
        }
    }

    @Test
    void dataOutlivesTheStoreObject() throws Exception {
        String n = name("restart");
        await(store.store(n, StoredRecord.NO_VERSION, 7, "{\"kept\":true}"));
        store.close();
        store = reopen();
        assertLoaded(new StoredRecord(7, "{\"kept\":true}"), await(store.load(n)));
    }

    @Test
    void closedStoreFailsInsteadOfHanging() throws Exception {
        store.close();
        CompletableFuture<StoredRecord> load = store.load(name("closed")).toCompletableFuture();
        assertThrows(Exception.class, () -> load.get(10, TimeUnit.SECONDS));
        store = reopen();
    }
}
