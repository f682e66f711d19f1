package io.eddy.client;

import io.eddy.protocol.Action;
import io.eddy.protocol.EventAction;
import io.eddy.protocol.Message;
import io.eddy.protocol.RecordAction;
import io.eddy.protocol.Topic;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The provider side of listening (events.md), for events and records alike: the patterns this client listens to,
 * the server's questions about them, and the names this client agreed to provide. Confined to the client's event
 * loop.
 */
final class Listening {

    /** The actions of one topic's listening; events and records use the same messages with their own numbers. */
    record Actions(Topic topic, Action listen, Action unlisten, Action accept, Action reject) {
        static final Actions EVENT = new Actions(Topic.EVENT, EventAction.LISTEN, EventAction.UNLISTEN,
                EventAction.LISTEN_ACCEPT, EventAction.LISTEN_REJECT);
        static final Actions RECORD = new Actions(Topic.RECORD, RecordAction.LISTEN, RecordAction.UNLISTEN,
                RecordAction.LISTEN_ACCEPT, RecordAction.LISTEN_REJECT);
    }

    private final Actions actions;
    private final Connection connection;
    private final PendingAcks acks;
    private final Notifier notifier;

    private final Map<String, ListenCallback> patterns = new LinkedHashMap<>();
    /** Patterns whose LISTEN is not acknowledged yet, also while it waits for the next login. */
    private final AckWaiters listening = new AckWaiters();
    /** Accepted names, by subscription name: the server asks one provider per name. */
    private final Map<String, ProviderResponse> provided = new HashMap<>();

    Listening(Actions actions, Connection connection, PendingAcks acks, Notifier notifier) {
        this.actions = actions;
        this.connection = connection;
        this.acks = acks;
        this.notifier = notifier;
    }

    void listen(String pattern, ListenCallback callback, CompletableFuture<Void> result) {
        if (connection.isStopped()) {
            result.completeExceptionally(connection.stoppedException());
            return;
        }
        if (patterns.containsKey(pattern)) {
            result.completeExceptionally(new EddyClientException(actions.topic(), "LISTENER_EXISTS", pattern));
            return;
        }
        patterns.put(pattern, callback);
        CompletableFuture<Void> acked = listening.add(pattern);
        if (connection.isOpen()) {
            sendListen(pattern);
        }
        EventTopic.completeWith(acked, result);
    }

    void unlisten(String pattern, CompletableFuture<Void> result) {
        if (connection.isStopped()) {
            result.completeExceptionally(connection.stoppedException());
            return;
        }
        if (patterns.remove(pattern) == null) {
            result.complete(null);
            return;
        }
        // the server sends no REMOVED for names provided under a pattern that is given up
        stopProviding(pattern);
        if (connection.isOpen()) {
            connection.write(new Message(actions.topic(), actions.unlisten().code()).name(pattern));
            acks.add(actions.unlisten(), pattern, List.of(), result);
        } else {
            listening.complete(pattern);
            result.complete(null);
        }
    }

    void onAck(Action action, String pattern) {
        PendingAcks.Request request = acks.remove(action, pattern);
        if (request == null) {
            return;
        }
        if (action == actions.listen()) {
            listening.complete(pattern);
        } else if (request.done != null) {
            request.done.complete(null);
        }
    }

    /**
     * The LISTEN was refused or not acknowledged. A refused pattern is forgotten, since sending it again would be
     * refused again; an unacknowledged one is kept and sent again after a reconnect.
     */
    void onListenFailed(String pattern, EddyClientException cause, boolean forget) {
        acks.remove(actions.listen(), pattern);
        if (forget) {
            patterns.remove(pattern);
        }
        listening.fail(pattern, cause);
    }

    void onFound(String pattern, String subscription) {
        ListenCallback callback = patterns.get(pattern);
        if (callback == null) {
            // unlistened meanwhile: answer at once so the server need not wait for its response timeout
            connection.write(answer(actions.reject(), pattern, subscription));
            return;
        }
        ProviderResponse response = new ProviderResponse(this, pattern, subscription, connection.epoch());
        notifier.run("listen callback for '" + pattern + "'", () -> callback.onMatch(subscription, response));
    }

    void onRemoved(String subscription) {
        ProviderResponse response = provided.remove(subscription);
        if (response != null) {
            stop(response);
        }
    }

    /** The first answer counts; one meant for an earlier session is dropped, the server forgot that question. */
    void answer(ProviderResponse response, boolean accept) {
        connection.execute(() -> {
            if (response.answered) {
                return;
            }
            response.answered = true;
            if (response.epoch != connection.epoch() || !connection.isOpen()) {
                return;
            }
            // accepting for a pattern given up meanwhile would make this client a provider nobody stops
            boolean accepted = accept && patterns.containsKey(response.pattern);
            connection.write(answer(accepted ? actions.accept() : actions.reject(),
                    response.pattern, response.subscription));
            if (accepted) {
                provided.put(response.subscription, response);
            }
        });
    }

    void onStop(ProviderResponse response, Consumer<String> callback) {
        connection.execute(() -> {
            response.stopCallback = callback;
            if (response.stopped) {
                stop(response); // it ended before the callback was given
            }
        });
    }

    /** Sends LISTEN for every pattern: the server of a new session knows none of them. */
    void restore() {
        for (String pattern : patterns.keySet()) {
            sendListen(pattern);
        }
    }

    /** Like the JavaScript client: every provided name stops when the connection is lost. */
    void onSessionLost() {
        List<ProviderResponse> stopped = new ArrayList<>(provided.values());
        provided.clear();
        for (ProviderResponse response : stopped) {
            stop(response);
        }
        listening.completeAllExcept(patterns.keySet());
    }

    void onStopped(EddyClientException cause) {
        provided.clear();
        listening.failAll(cause);
    }

    private void sendListen(String pattern) {
        connection.write(new Message(actions.topic(), actions.listen().code()).name(pattern));
        acks.add(actions.listen(), pattern, List.of(pattern), null);
    }

    private void stopProviding(String pattern) {
        List<ProviderResponse> stopped = new ArrayList<>();
        provided.values().removeIf(r -> {
            if (r.pattern.equals(pattern)) {
                stopped.add(r);
                return true;
            }
            return false;
        });
        for (ProviderResponse response : stopped) {
            stop(response);
        }
    }

    private void stop(ProviderResponse response) {
        response.stopped = true;
        Consumer<String> callback = response.stopCallback;
        if (callback != null) {
            response.stopCallback = null;
            notifier.run("onStop callback for '" + response.subscription + "'",
                    () -> callback.accept(response.subscription));
        }
    }

    private Message answer(Action action, String pattern, String subscription) {
        return new Message(actions.topic(), action.code()).name(pattern).subscription(subscription);
    }
}
