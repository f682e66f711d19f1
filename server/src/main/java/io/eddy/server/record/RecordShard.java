package io.eddy.server.record;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.eddy.protocol.Message;
import io.eddy.protocol.RecordAction;
import io.eddy.server.storage.RecordStore;
import io.eddy.server.storage.StorageException;
import io.eddy.server.storage.StoredRecord;
import io.eddy.server.storage.VersionConflictException;
import io.eddy.server.subscription.SubscriptionRegistry;
import io.eddy.server.timer.Scheduler;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A thread that owns a share of the records: their cache entries, loads and storage writes. Every operation on a
 * record runs here in arrival order, so a record needs no lock and its writes apply strictly one after another.
 */
final class RecordShard implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RecordShard.class);
    static final Duration STORAGE_RETRY = Duration.ofSeconds(1);
    private static final int EVICTION_SCAN = 64;

    /** What happens when storage turns out to hold something else than this node believed. */
    interface ConflictHandler {
        void storageChanged(RecordShard shard, RecordEntry entry);
    }

    private record Waiting(Consumer<RecordEntry> op, Consumer<Throwable> onLoadFailure) {
    }

    private final ExecutorService executor;
    private final RecordStore store;
    private final RecordSettings settings;
    private final SubscriptionRegistry subscriptions;
    private final Scheduler scheduler;
    private final StorageOutageLog outage;
    private final int maxEntries;
    private final long maxBytes;
    private ConflictHandler conflicts = (shard, entry) -> { };
    private final LinkedHashMap<String, RecordEntry> entries = new LinkedHashMap<>(256, 0.75f, true);
    private final Map<RecordEntry, List<Waiting>> loading = new HashMap<>();
    private long bytes;

    RecordShard(int index, RecordStore store, RecordSettings settings, SubscriptionRegistry subscriptions,
                Scheduler scheduler, StorageOutageLog outage) {
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "eddy-records-" + index);
            t.setDaemon(true);
            return t;
        });
        this.store = store;
        this.settings = settings;
        this.subscriptions = subscriptions;
        this.scheduler = scheduler;
        this.outage = outage;
        this.maxEntries = Math.max(16, settings.maxCacheEntries() / settings.shards());
        this.maxBytes = Math.max(1 << 20, settings.maxCacheBytes() / settings.shards());
    }

    void onConflict(ConflictHandler handler) {
        this.conflicts = handler;
    }

    /** Runs {@code op} on this shard with the record loaded; {@code onLoadFailure} if it cannot be loaded. */
    void run(String name, Consumer<RecordEntry> op, Consumer<Throwable> onLoadFailure) {
        executor.execute(() -> {
            try {
                withEntry(name, op, onLoadFailure);
            } catch (RuntimeException e) {
                LOG.errorf(e, "record operation on '%s' failed", name);
            }
        });
    }

    /** Runs a task on this shard's thread. */
    void execute(Runnable task) {
        executor.execute(task);
    }

    private void withEntry(String name, Consumer<RecordEntry> op, Consumer<Throwable> onLoadFailure) {
        RecordEntry entry = entries.get(name);
        if (entry == null) {
            entry = new RecordEntry(name, settings.isCacheOnly(name));
            entries.put(name, entry);
            load(entry);
        }
        if (entry.state == RecordEntry.State.LOADING) {
            loading.computeIfAbsent(entry, e -> new ArrayList<>(2)).add(new Waiting(op, onLoadFailure));
            return;
        }
        long before = entry.approximateBytes;
        op.accept(entry);
        bytes += entry.approximateBytes - before;
        evictIfNeeded();
    }

    private void load(RecordEntry entry) {
        if (entry.cacheOnly) {
            entry.state = RecordEntry.State.READY;
            return;
        }
        store.load(entry.name).toCompletableFuture()
                .orTimeout(settings.storageTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((stored, failure) -> executor.execute(() -> loaded(entry, stored, failure)));
    }

    private void loaded(RecordEntry entry, StoredRecord stored, Throwable failure) {
        List<Waiting> waiting = loading.remove(entry);
        Throwable cause = unwrap(failure);
        if (cause == null) {
            outage.worked();
            try {
                if (stored != null) {
                    entry.replace(stored.version(), RecordEntry.JSON.readTree(stored.json()), stored.json());
                    entry.storedVersion = stored.version();
                }
            } catch (JsonProcessingException e) {
                cause = new IllegalStateException("stored data of '" + entry.name + "' is not JSON", e);
                LOG.warnf("loading record '%s' failed: %s", entry.name, cause.toString()); // this record's own problem
            }
        } else {
            outage.failed("loading record '" + entry.name + "'", cause);
        }
        if (cause != null) {
            entries.remove(entry.name, entry); // the next request tries again
            if (waiting != null) {
                for (Waiting w : waiting) {
                    w.onLoadFailure().accept(cause);
                }
            }
            return;
        }
        entry.state = RecordEntry.State.READY;
        bytes += entry.approximateBytes;
        if (waiting != null) {
            for (Waiting w : waiting) {
                try {
                    long before = entry.approximateBytes;
                    w.op().accept(entry);
                    bytes += entry.approximateBytes - before;
                } catch (RuntimeException e) {
                    LOG.errorf(e, "record operation on '%s' failed", entry.name);
                }
            }
        }
        evictIfNeeded();
    }

    /** The record changed: store its newest version (acknowledging writes once stored). */
    void persist(RecordEntry entry) {
        if (entry.cacheOnly) {
            acknowledgeUpTo(entry, entry.version);
            return;
        }
        entry.dirty = true;
        drainStorage(entry);
    }

    /** Removes the record from storage after whatever storage write is under way; then runs {@code done}. */
    void delete(RecordEntry entry, Runnable done) {
        if (entry.cacheOnly) {
            done.run();
            return;
        }
        entry.deletePending = true;
        entry.dirty = false;
        entry.whenStorageIdle.add(done);
        drainStorage(entry);
    }

    /** Runs {@code task} once no storage write of the record is pending. */
    void whenStorageIdle(RecordEntry entry, Runnable task) {
        if (entry.storageIdle()) {
            task.run();
        } else {
            entry.whenStorageIdle.add(task);
        }
    }

    /** Reads the record from storage again, bypassing the cache (notify, conflicts). */
    void reload(RecordEntry entry, Consumer<StoredRecord> onLoaded, Consumer<Throwable> onFailure) {
        store.load(entry.name).toCompletableFuture()
                .orTimeout(settings.storageTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((stored, failure) -> executor.execute(() -> {
                    if (failure != null) {
                        Throwable cause = unwrap(failure);
                        outage.failed("reloading record '" + entry.name + "'", cause);
                        onFailure.accept(cause);
                    } else {
                        outage.worked();
                        onLoaded.accept(stored);
                    }
                }));
    }

    private void drainStorage(RecordEntry entry) {
        if (entry.storing) {
            return;
        }
        if (entry.deletePending) {
            entry.storing = true;
            entry.deletePending = false;
            store.delete(entry.name).whenComplete((ignored, failure) -> executor.execute(() -> deleted(entry, failure)));
        } else if (entry.dirty && entry.exists()) {
            entry.storing = true;
            entry.dirty = false;
            int version = entry.version;
            store.store(entry.name, entry.storedVersion, version, entry.json())
                    .whenComplete((ignored, failure) -> executor.execute(() -> stored(entry, version, failure)));
        } else {
            entry.dirty = false;
            List<Runnable> idle = new ArrayList<>(entry.whenStorageIdle);
            entry.whenStorageIdle.clear();
            idle.forEach(Runnable::run);
            evictIfNeeded(); // records become evictable only once they are stored
        }
    }

    private void stored(RecordEntry entry, int version, Throwable failure) {
        entry.storing = false;
        Throwable cause = unwrap(failure);
        if (cause == null) {
            outage.worked();
            entry.storedVersion = version;
            acknowledgeUpTo(entry, version);
        } else if (cause instanceof VersionConflictException conflict) {
            outage.worked();
            LOG.warnf("record '%s' changed in storage behind this node (stored version %d, expected %d); reloading",
                    entry.name, conflict.storedVersion(), entry.storedVersion);
            failAcks(entry);
            entry.storedVersion = conflict.storedVersion();
            entry.dirty = false;
            conflicts.storageChanged(this, entry);
        } else if (cause instanceof StorageException refused && refused.isRefusal()) {
            // The same data would be refused again: the record keeps it in memory, its acknowledgements fail, and the
            // next write of the record is stored as usual. Retrying would only repeat this warning forever.
            LOG.warnf("storage refused version %d of record '%s'; not retrying, the next write is stored: %s",
                    version, entry.name, cause.getMessage());
            outage.worked();
            failAcksUpTo(entry, version); // later writes are still to be stored
        } else {
            outage.failed("storing record '" + entry.name + "'", cause);
            failAcks(entry);
            entry.dirty = true;
            scheduler.schedule(() -> executor.execute(() -> drainStorage(entry)), STORAGE_RETRY);
            return;
        }
        drainStorage(entry);
    }

    private void deleted(RecordEntry entry, Throwable failure) {
        entry.storing = false;
        if (failure != null) {
            outage.failed("deleting record '" + entry.name + "'", unwrap(failure));
            entry.deletePending = true;
            scheduler.schedule(() -> executor.execute(() -> drainStorage(entry)), STORAGE_RETRY);
            return;
        }
        outage.worked();
        entry.storedVersion = StoredRecord.NO_VERSION;
        acknowledgeUpTo(entry, Integer.MAX_VALUE); // writes before the delete are settled by it
        drainStorage(entry);
    }

    private void acknowledgeUpTo(RecordEntry entry, int version) {
        while (!entry.acks.isEmpty() && entry.acks.peekFirst().version() <= version) {
            RecordEntry.PendingAck ack = entry.acks.pollFirst();
            ack.session().send(Message.of(RecordAction.WRITE_ACKNOWLEDGEMENT).name(entry.name)
                    .correlationId(ack.correlationId()).isWriteAck(true));
        }
    }

    private void failAcks(RecordEntry entry) {
        failAcksUpTo(entry, Integer.MAX_VALUE);
    }

    private void failAcksUpTo(RecordEntry entry, int version) {
        while (!entry.acks.isEmpty() && entry.acks.peekFirst().version() <= version) {
            RecordEntry.PendingAck ack = entry.acks.pollFirst();
            ack.session().send(Message.of(RecordAction.RECORD_UPDATE_ERROR).name(entry.name)
                    .correlationId(ack.correlationId()).isWriteAck(true).isError(true));
        }
    }

    private void evictIfNeeded() {
        if (entries.size() <= maxEntries && bytes <= maxBytes) {
            return;
        }
        int scanned = 0;
        for (Iterator<RecordEntry> it = entries.values().iterator();
             it.hasNext() && scanned < EVICTION_SCAN && (entries.size() > maxEntries || bytes > maxBytes); scanned++) {
            RecordEntry e = it.next();
            if (e.evictable(subscriptions.hasSubscribers(e.name))) {
                it.remove();
                bytes -= e.approximateBytes;
            }
        }
    }

    /** Records in memory, counted on the shard's thread. */
    int cachedEntries() {
        CompletableFuture<Integer> size = new CompletableFuture<>();
        executor.execute(() -> size.complete(entries.size()));
        try {
            return size.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            return -1;
        }
    }

    /** What failed, without the wrapper a dependent stage puts around it; null stays null. */
    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    /** Parses stored text, for callers replacing an entry with what storage holds. */
    static JsonNode parse(String json) {
        try {
            return RecordEntry.JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored data is not JSON", e);
        }
    }

    /** Waits until no record of this shard has a storage write pending, or until {@code limit} has passed. */
    void flush(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            CompletableFuture<Boolean> idle = new CompletableFuture<>();
            executor.execute(() -> idle.complete(entries.values().stream().allMatch(RecordEntry::storageIdle)));
            try {
                if (idle.get(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
                Thread.sleep(20);
            } catch (Exception e) {
                return;
            }
        }
        LOG.warnf("records of shard still not stored after %s; stopping anyway", limit);
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
