package io.eddy.server.record;

import io.eddy.server.storage.RecordStore;
import io.eddy.server.subscription.SubscriptionRegistry;
import io.eddy.server.timer.Scheduler;

import java.util.function.Consumer;

/** The record shards of a node: each record name always maps to the same shard. */
final class Records implements AutoCloseable {

    private final RecordShard[] shards;
    private final RecordStore store;

    Records(RecordStore store, RecordSettings settings, SubscriptionRegistry subscriptions, Scheduler scheduler) {
        this.store = store;
        shards = new RecordShard[settings.shards()];
        StorageOutageLog outage = new StorageOutageLog(store.description(), RecordShard.STORAGE_RETRY);
        for (int i = 0; i < shards.length; i++) {
            shards[i] = new RecordShard(i, store, settings, subscriptions, scheduler, outage);
        }
    }

    RecordShard shard(String name) {
        return shards[Math.floorMod(name.hashCode(), shards.length)];
    }

    void run(String name, Consumer<RecordEntry> op, Consumer<Throwable> onLoadFailure) {
        shard(name).run(name, op, onLoadFailure);
    }

    void onConflict(RecordShard.ConflictHandler handler) {
        for (RecordShard shard : shards) {
            shard.onConflict(handler);
        }
    }

    int cachedEntries() {
        int sum = 0;
        for (RecordShard shard : shards) {
            sum += shard.cachedEntries();
        }
        return sum;
    }

    String storeDescription() {
        return store.description();
    }

    /** Waits (bounded) for writes still on their way to storage, then stops the shards and the store. */
    @Override
    public void close() {
        for (RecordShard shard : shards) {
            shard.flush(java.time.Duration.ofSeconds(5));
        }
        for (RecordShard shard : shards) {
            shard.close();
        }
        store.close();
    }
}
