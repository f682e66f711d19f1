package io.eddy.server.record;

import com.fasterxml.jackson.databind.node.TextNode;
import io.eddy.protocol.Message;
import io.eddy.protocol.RecordAction;
import io.eddy.protocol.codec.MessageCodec;
import io.eddy.server.listen.ListenRegistry;
import io.eddy.server.session.BadInput;
import io.eddy.server.session.Session;
import io.eddy.server.session.TopicHandler;
import io.eddy.server.storage.StoredRecord;
import io.eddy.server.subscription.SubscriptionRegistry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The RECORD topic (records.md): subscriptions, reads, writes, delete, notify and listening. Messages are checked
 * here, on the session's thread; everything that touches a record runs on the record's shard.
 */
public final class RecordHandler implements TopicHandler {

    private enum SubscribeMode { CREATE_AND_READ, READ, SUBSCRIBE_ONLY }

    private final Records records;
    private final SubscriptionRegistry subscriptions;
    private final ListenRegistry listening;
    private final RecordWrites writes;
    private final RecordNames names;
    private final BadInput badInput;

    RecordHandler(Records records, SubscriptionRegistry subscriptions, ListenRegistry listening, RecordNames names,
                  BadInput badInput) {
        this.records = records;
        this.subscriptions = subscriptions;
        this.listening = listening;
        this.writes = new RecordWrites(subscriptions);
        this.names = names;
        this.badInput = badInput;
        records.onConflict((shard, entry) -> refresh(entry, shard, () -> { }, failure -> { }));
    }

    @Override
    public void handle(Session session, Message message) {
        switch (RecordAction.of(message.action())) {
            case SUBSCRIBECREATEANDREAD -> subscribe(session, message, SubscribeMode.CREATE_AND_READ);
            case SUBSCRIBEANDREAD -> subscribe(session, message, SubscribeMode.READ);
            case SUBSCRIBE -> subscribe(session, message, SubscribeMode.SUBSCRIBE_ONLY);
            case SUBSCRIBEANDHEAD -> subscribeAndHead(session, message);
            case UNSUBSCRIBE -> unsubscribe(session, message);
            case READ -> read(session, message);
            case HEAD -> head(session, message);
            case CREATEANDUPDATE, CREATEANDPATCH, UPDATE, PATCH, ERASE, PATCH_MULTI -> write(session, message);
            case DELETE -> delete(session, message);
            case NOTIFY -> notify(session, message);
            case LISTEN -> {
                if (hasName(session, message)) {
                    listening.listen(session, message.name());
                }
            }
            case UNLISTEN -> {
                if (hasName(session, message)) {
                    listening.unlisten(session, message.name());
                }
            }
            case LISTEN_ACCEPT -> {
                if (hasName(session, message) && message.subscription() != null) {
                    listening.accept(session, message.name(), message.subscription());
                }
            }
            case LISTEN_REJECT -> {
                if (hasName(session, message) && message.subscription() != null) {
                    listening.reject(session, message.name(), message.subscription());
                }
            }
            default -> badInput.reply(session, BadInput.unknownAction(message), "unknown RECORD action " + message.action());
        }
    }

    @Override
    public void onSessionClosed(Session session) {
        for (String name : session.recordSubscriptions()) {
            // through the record's queue, so it lands after a subscription that is still waiting for a load
            records.run(name, entry -> subscriptions.remove(name, session), failure -> { });
        }
        session.recordSubscriptions().clear();
        listening.onSessionClosed(session);
    }

    private void subscribe(Session session, Message m, SubscribeMode mode) {
        List<String> fresh = new ArrayList<>();
        List<String> again = new ArrayList<>();
        for (String name : validNames(session, m)) {
            if (session.recordSubscriptions().add(name)) {
                fresh.add(name);
            } else {
                again.add(name);
                session.send(Message.of(RecordAction.MULTIPLE_SUBSCRIPTIONS).name(name).originalAction(m.action()));
            }
        }
        // 21-23 echo the whole request; plain SUBSCRIBE gets the short ack
        session.send(mode == SubscribeMode.SUBSCRIBE_ONLY
                ? Message.of(RecordAction.SUBSCRIBE).correlationId(m.correlationId()).isAck(true)
                : m.copy().isAck(true));
        for (String name : fresh) {
            subscribeOne(session, m, name, mode, true);
        }
        for (String name : again) {
            subscribeOne(session, m, name, mode, false);
        }
    }

    private void subscribeOne(Session session, Message request, String name, SubscribeMode mode, boolean fresh) {
        records.run(name, entry -> {
            if (mode == SubscribeMode.CREATE_AND_READ && !entry.exists()) {
                entry.create();
                records.shard(name).persist(entry);
            }
            if (fresh) {
                subscriptions.add(name, session);
            }
            if (listening.isProvided(name)) {
                session.send(Message.of(RecordAction.SUBSCRIPTION_HAS_PROVIDER).name(name));
            }
            if (mode != SubscribeMode.SUBSCRIBE_ONLY) {
                session.send(readResponse(entry));
            }
        }, failure -> {
            loadFailed(session, request, name, failure);
            if (fresh) {
                session.execute(() -> session.recordSubscriptions().remove(name));
            }
        });
    }

    /**
     * The resubscription after a reconnect: versions of the records that exist in one HEAD_RESPONSE_BULK, then the
     * ack, then HEAD_RESPONSE -1 for each record that does not exist — the order deepstream uses.
     */
    private void subscribeAndHead(Session session, Message m) {
        List<String> valid = validNames(session, m);
        List<String> again = new ArrayList<>();
        List<CompletableFuture<Integer>> versions = new ArrayList<>(valid.size());
        for (String name : valid) {
            boolean fresh = session.recordSubscriptions().add(name);
            if (!fresh) {
                again.add(name);
            }
            CompletableFuture<Integer> version = new CompletableFuture<>();
            versions.add(version);
            records.run(name, entry -> {
                if (fresh) {
                    subscriptions.add(name, session);
                }
                if (listening.isProvided(name)) {
                    session.send(Message.of(RecordAction.SUBSCRIPTION_HAS_PROVIDER).name(name));
                }
                version.complete(entry.version);
            }, failure -> {
                if (fresh) {
                    session.execute(() -> session.recordSubscriptions().remove(name));
                }
                version.completeExceptionally(failure);
            });
        }
        CompletableFuture.allOf(versions.toArray(CompletableFuture[]::new)).whenComplete((ignored, failure) ->
                session.execute(() -> {
                    Map<String, Integer> found = new LinkedHashMap<>();
                    List<String> missing = new ArrayList<>();
                    for (int i = 0; i < valid.size(); i++) {
                        CompletableFuture<Integer> v = versions.get(i);
                        if (v.isCompletedExceptionally()) {
                            loadFailed(session, m, valid.get(i), v.handle((x, t) -> t).join());
                        } else if (v.join() == StoredRecord.NO_VERSION) {
                            missing.add(valid.get(i));
                        } else {
                            found.put(valid.get(i), v.join());
                        }
                    }
                    if (!found.isEmpty()) {
                        session.send(Message.of(RecordAction.HEAD_RESPONSE_BULK).versions(found));
                    }
                    for (String name : again) {
                        session.send(Message.of(RecordAction.MULTIPLE_SUBSCRIPTIONS).name(name)
                                .originalAction(RecordAction.SUBSCRIBEANDHEAD));
                    }
                    session.send(Message.of(RecordAction.SUBSCRIBEANDHEAD).correlationId(m.correlationId()).isAck(true));
                    for (String name : missing) {
                        session.send(Message.of(RecordAction.HEAD_RESPONSE).name(name).version(StoredRecord.NO_VERSION));
                    }
                }));
    }

    private void unsubscribe(Session session, Message m) {
        for (String name : m.names()) {
            if (session.recordSubscriptions().remove(name)) {
                records.run(name, entry -> subscriptions.remove(name, session), failure -> { });
            }
        }
        session.send(Message.of(RecordAction.UNSUBSCRIBE).correlationId(m.correlationId()).isAck(true));
    }

    private void read(Session session, Message m) {
        if (!validName(session, m)) {
            return;
        }
        records.run(m.name(), entry -> session.send(entry.exists()
                ? readResponse(entry)
                : Message.of(RecordAction.RECORD_NOT_FOUND).name(entry.name).originalAction(RecordAction.READ).isError(true)),
                failure -> loadFailed(session, m, m.name(), failure));
    }

    private void head(Session session, Message m) {
        if (!validName(session, m)) {
            return;
        }
        records.run(m.name(), entry -> session.send(Message.of(RecordAction.HEAD_RESPONSE).name(entry.name)
                .version(entry.version)), failure -> loadFailed(session, m, m.name(), failure));
    }

    private void write(Session session, Message m) {
        RecordWrite write;
        try {
            write = RecordWrite.parse(m, names);
        } catch (RecordWrite.Refused refused) {
            badInput.reply(session, refused.reply, "record write refused: " + refused.getMessage());
            return;
        }
        records.run(write.name(), entry -> writes.apply(session, write, entry, records.shard(write.name())),
                failure -> loadFailed(session, m, m.name(), failure));
    }

    private void delete(Session session, Message m) {
        if (!validName(session, m)) {
            return;
        }
        String name = m.name();
        records.run(name, entry -> {
            if (!entry.exists()) {
                session.send(Message.of(RecordAction.DELETE_SUCCESS).name(name));
                return;
            }
            Session[] subscribed = subscriptions.subscribers(name);
            entry.forget(); // later writes see a missing record; the queued storage write is superseded
            records.shard(name).delete(entry, () -> {
                session.send(Message.of(RecordAction.DELETE_SUCCESS).name(name));
                dropSubscribers(name, subscribed, session);
            });
        }, failure -> loadFailed(session, m, name, failure));
    }

    /**
     * NOTIFY: the database changed behind the server's back. Each record is read from storage again — after any
     * write of this node that is still on its way there — and its subscribers, the notifier included, get the stored
     * state (or DELETED when storage has none). Records that live in memory only are pushed as they are: unlike
     * deepstream's default setup, notify never deletes a record storage never had.
     */
    private void notify(Session session, Message m) {
        List<String> valid = validNames(session, m);
        if (valid.isEmpty()) {
            session.send(m.copy().isAck(true));
            return;
        }
        AtomicInteger remaining = new AtomicInteger(valid.size());
        AtomicBoolean failed = new AtomicBoolean();
        for (String name : valid) {
            records.run(name, entry -> records.shard(name).whenStorageIdle(entry, () -> refresh(entry, records.shard(name),
                    () -> {
                        if (remaining.decrementAndGet() == 0 && !failed.get()) {
                            session.send(m.copy().isAck(true));
                        }
                    },
                    failure -> notifyFailed(session, m, failed, failure))),
                    failure -> notifyFailed(session, m, failed, failure));
        }
    }

    private void notifyFailed(Session session, Message m, AtomicBoolean failed, Throwable failure) {
        if (failed.compareAndSet(false, true)) {
            session.send(Message.of(RecordAction.RECORD_NOTIFY_ERROR).isError(true).correlationId(m.correlationId())
                    .data(new TextNode("notify failed: " + failure.getMessage()).toString()));
        }
    }

    /** Replaces the entry with what storage holds and tells the subscribers. */
    private void refresh(RecordEntry entry, RecordShard shard, Runnable done, Consumer<Throwable> failed) {
        if (entry.cacheOnly) {
            if (entry.exists()) {
                subscriptions.sendToSubscribers(entry.name, update(entry), null);
            }
            done.run();
            return;
        }
        shard.reload(entry, stored -> {
            if (stored != null) {
                entry.replace(stored.version(), RecordShard.parse(stored.json()), stored.json());
                entry.storedVersion = stored.version();
                subscriptions.sendToSubscribers(entry.name, update(entry), null);
            } else {
                entry.forget();
                entry.storedVersion = StoredRecord.NO_VERSION;
                dropSubscribers(entry.name, subscriptions.subscribers(entry.name), null);
            }
            done.run();
        }, failed);
    }

    /** DELETED to each subscriber but {@code except}, and every one of them unsubscribed on the server side. */
    private void dropSubscribers(String name, Session[] subscribed, Session except) {
        byte[] deleted = MessageCodec.encode(Message.of(RecordAction.DELETED).name(name));
        for (Session s : subscribed) {
            if (s != except) {
                s.sendFrame(deleted);
            }
            subscriptions.remove(name, s);
            s.execute(() -> s.recordSubscriptions().remove(name));
        }
    }

    private static Message update(RecordEntry entry) {
        return Message.of(RecordAction.UPDATE).name(entry.name).version(entry.version).data(entry.json());
    }

    private static Message readResponse(RecordEntry entry) {
        return Message.of(RecordAction.READ_RESPONSE).name(entry.name).version(entry.version).data(entry.json());
    }

    private void loadFailed(Session session, Message request, String name, Throwable failure) {
        RecordAction action = failure instanceof TimeoutException
                ? RecordAction.STORAGE_RETRIEVAL_TIMEOUT : RecordAction.RECORD_LOAD_ERROR;
        session.send(Message.of(action).name(name).originalAction(request.action()).isError(true)
                .isWriteAck(request.isWriteAck()).correlationId(request.correlationId()));
    }

    private List<String> validNames(Session session, Message m) {
        List<String> valid = new ArrayList<>(m.names().size());
        for (String name : m.names()) {
            String problem = names.problem(name);
            if (problem == null) {
                valid.add(name);
            } else {
                // MESSAGE_DENIED, as for a permission refusal: the official client reports it on the record, where an
                // INVALID_MESSAGE_DATA would leave getRecord waiting silently for ever
                badInput.reply(session, Message.of(RecordAction.MESSAGE_DENIED).name(name)
                        .originalAction(m.action()).correlationId(m.correlationId()).isError(true), problem);
            }
        }
        return valid;
    }

    private boolean validName(Session session, Message m) {
        String problem = names.problem(m.name());
        if (problem == null) {
            return true;
        }
        badInput.reply(session, m.copy().action(RecordAction.INVALID_MESSAGE_DATA).originalAction(m.action())
                .isError(true), problem);
        return false;
    }

    private boolean hasName(Session session, Message m) {
        if (m.name() != null) {
            return true;
        }
        badInput.reply(session, BadInput.missingField(m), "RECORD " + RecordAction.of(m.action()) + " without a name");
        return false;
    }
}
