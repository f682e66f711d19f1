package io.eddy.server.record;

import io.eddy.protocol.Message;
import io.eddy.protocol.RecordAction;
import io.eddy.server.listen.ListenActions;
import io.eddy.server.listen.ListenSettings;
import io.eddy.server.listen.LocalListenRegistry;
import io.eddy.server.listen.ProviderObserver;
import io.eddy.server.session.BadInput;
import io.eddy.server.session.TopicHandler;
import io.eddy.server.storage.RecordStore;
import io.eddy.server.subscription.LocalSubscriptionRegistry;
import io.eddy.server.subscription.SubscriptionRegistry;
import io.eddy.server.timer.Scheduler;

/** Assembles the record topic of a node: subscriptions, listening, the shards over the store, and the handler. */
public final class RecordTopic implements AutoCloseable {

    private final Records records;
    private final LocalListenRegistry listening;
    private final RecordHandler handler;

    public RecordTopic(RecordStore store, RecordSettings settings, ListenSettings listen, Scheduler scheduler,
                       BadInput badInput) {
        SubscriptionRegistry subscriptions = new LocalSubscriptionRegistry();
        listening = new LocalListenRegistry(ListenActions.RECORD, subscriptions, scheduler, listen, new ProviderObserver() {
            @Override
            public void onProviderAdded(String name) {
                subscriptions.sendToSubscribers(name, Message.of(RecordAction.SUBSCRIPTION_HAS_PROVIDER).name(name), null);
            }

            @Override
            public void onProviderRemoved(String name) {
                subscriptions.sendToSubscribers(name, Message.of(RecordAction.SUBSCRIPTION_HAS_NO_PROVIDER).name(name), null);
            }
        });
        records = new Records(store, settings, subscriptions, scheduler);
        handler = new RecordHandler(records, subscriptions, listening, new RecordNames(settings.maxNameLength()), badInput);
    }

    public TopicHandler handler() {
        return handler;
    }

    /** Records currently held in memory (subscribed, pending storage, or cached). */
    public int cachedRecords() {
        return records.cachedEntries();
    }

    public String storeDescription() {
        return records.storeDescription();
    }

    @Override
    public void close() {
        listening.close();
        records.close();
    }
}
