package io.eddy.server.record;

import com.fasterxml.jackson.databind.JsonNode;
import io.eddy.protocol.Message;
import io.eddy.protocol.RecordAction;
import io.eddy.server.session.Session;
import io.eddy.server.subscription.SubscriptionRegistry;

/**
 * Applies a checked write to a record on its shard: the version rules of records.md, the change itself, the
 * broadcast to every other subscriber (encoded once) and the hand-over to storage, which acknowledges the write once
 * it is stored.
 */
final class RecordWrites {

    private final SubscriptionRegistry subscriptions;

    RecordWrites(SubscriptionRegistry subscriptions) {
        this.subscriptions = subscriptions;
    }

    void apply(Session writer, RecordWrite write, RecordEntry entry, RecordShard shard) {
        Message request = write.request();
        // 7.0.2 treats the write-ack flag as "create if missing" too; the official client relies on it for
        // setWithAck on a record another client deleted meanwhile
        boolean upsert = write.creates() || write.wantsAck();
        if (!entry.exists() && !upsert) {
            writer.send(Message.of(RecordAction.RECORD_UPDATE_ERROR).name(entry.name).isError(true)
                    .isWriteAck(request.isWriteAck()).correlationId(request.correlationId()));
            return;
        }
        int current = entry.exists() ? entry.version : 0;
        int next = write.version() == -1 ? current + 1 : write.version();
        if (next <= current) {
            writer.send(Message.of(RecordAction.VERSION_EXISTS).name(entry.name).version(current)
                    .data(entry.exists() ? entry.json() : "{}").originalAction(request.action())
                    .isWriteAck(request.isWriteAck()).correlationId(request.correlationId()));
            return;
        }
        if (next > current + 1) {
            // unlike 7.0.2 the record is not left locked afterwards: the next correct version is accepted
            writer.send(request.copy().action(RecordAction.INVALID_VERSION).originalAction(request.action())
                    .version(current).isError(true));
            return;
        }
        boolean created = !entry.exists();
        if (created) {
            entry.create();
        }
        try {
            change(entry, write, next);
        } catch (RecordPath.InvalidPathException e) {
            if (created) {
                entry.forget();
            }
            writer.send(RecordWrite.refused(request, e.getMessage()).reply);
            return;
        }
        subscriptions.sendToSubscribers(entry.name, update(write, entry.name, next), writer);
        if (write.wantsAck()) {
            entry.acks.addLast(new RecordEntry.PendingAck(next, writer, request.correlationId()));
        }
        shard.persist(entry);
    }

    private static void change(RecordEntry entry, RecordWrite write, int version) {
        switch (write.kind()) {
            case UPDATE -> entry.replace(version, write.value(), write.dataText());
            case PATCH -> {
                write.path().set(entry.data(), write.value());
                entry.changed(version, write.dataText().length());
            }
            case ERASE -> {
                write.path().delete(entry.data());
                entry.changed(version, 0);
            }
            case PATCH_MULTI -> {
                // all or nothing: the operations apply to a copy that replaces the data only if every one succeeds
                JsonNode copy = entry.data().deepCopy();
                for (RecordWrite.Patch patch : write.patches()) {
                    if (patch.value() == null) {
                        patch.path().delete(copy);
                    } else {
                        patch.path().set(copy, patch.value());
                    }
                }
                entry.replace(version, copy, null);
            }
        }
    }

    /** What the other subscribers see: UPDATE, PATCH (ERASE is a PATCH without data) or PATCH_MULTI. */
    private static Message update(RecordWrite write, String name, int version) {
        return switch (write.kind()) {
            case UPDATE -> Message.of(RecordAction.UPDATE).name(name).version(version).data(write.dataText());
            case PATCH -> Message.of(RecordAction.PATCH).name(name).version(version).path(write.path().toString())
                    .data(write.dataText());
            case ERASE -> Message.of(RecordAction.PATCH).name(name).version(version).path(write.path().toString());
            case PATCH_MULTI -> Message.of(RecordAction.PATCH_MULTI).name(name).version(version).data(write.dataText());
        };
    }

}
