package io.eddy.client;

import io.eddy.protocol.Action;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Requests sent to the server that wait for an acknowledgement, filed like the JavaScript client files them:
 * under {@code action + "_" + (correlationId or name)}. Each request times out after the subscription timeout;
 * the owner decides what a timeout means. Confined to the client's event loop.
 */
final class PendingAcks {

    /** One request awaiting its ack. {@code names} shrinks when the server denies some of them. */
    static final class Request {
        final Action action;
        final String key;
        final List<String> names;
        /** Completed by the owner when the ack arrives; may stand for several callers. */
        final CompletableFuture<Void> done;
        private ScheduledFuture<?> timeout;

        Request(Action action, String key, List<String> names, CompletableFuture<Void> done) {
            this.action = action;
            this.key = key;
            this.names = new ArrayList<>(names);
            this.done = done;
        }

        /** What the request was, for error messages: {@code SUBSCRIBE 0 [a, b]}. */
        String describe() {
            return action.name() + " " + key.substring(action.name().length() + 1)
                    + (names.isEmpty() ? "" : " " + names);
        }
    }

    private final EventLoop loop;
    private final long timeoutMillis;
    private final Consumer<Request> onTimeout;
    private final Map<String, Request> byKey = new HashMap<>();

    PendingAcks(EventLoop loop, long timeoutMillis, Consumer<Request> onTimeout) {
        this.loop = loop;
        this.timeoutMillis = timeoutMillis;
        this.onTimeout = onTimeout;
    }

    static String key(Action action, String id) {
        return action.name() + "_" + id;
    }

    Request add(Action action, String id, List<String> names, CompletableFuture<Void> done) {
        Request request = new Request(action, key(action, id), names, done);
        Request previous = byKey.put(request.key, request);
        if (previous != null) {
            // the same pattern listened twice in a row without an ack between: the later ack answers both
            request.done.whenComplete((v, e) -> complete(previous.done, e));
            previous.timeout.cancel(false);
        }
        request.timeout = loop.schedule(() -> expire(request), timeoutMillis, TimeUnit.MILLISECONDS);
        return request;
    }

    private Request get(Action action, String id) {
        return byKey.get(key(action, id));
    }

    /** The acknowledged request, or null when nothing waits under that key. */
    Request remove(Action action, String id) {
        Request request = byKey.remove(key(action, id));
        if (request != null) {
            request.timeout.cancel(false);
        }
        return request;
    }

    /**
     * The server refused one name of a bulk request. It acknowledges a bulk request only if some of its names were
     * allowed, so once every name is refused no ack will come and the request is removed.
     *
     * @return the removed request when {@code name} was its last one, otherwise null
     */
    Request refuse(Action action, String correlationId, String name) {
        Request request = correlationId == null ? null : get(action, correlationId);
        if (request != null && request.names.remove(name) && request.names.isEmpty()) {
            return remove(action, correlationId);
        }
        return null;
    }

    /**
     * The connection is lost. Whatever is sent again after the next login is waited for elsewhere; the rest, an
     * unsubscribe say, has nothing left to wait for, as the server dropped it along with the connection.
     */
    void completeAll() {
        for (Request request : removeAll()) {
            if (request.done != null) {
                request.done.complete(null);
            }
        }
    }

    /** The client stopped for good. */
    void failAll(Throwable cause) {
        for (Request request : removeAll()) {
            if (request.done != null) {
                request.done.completeExceptionally(cause);
            }
        }
    }

    /** Everything still waiting, with its timers stopped: the connection that would have answered is gone. */
    private List<Request> removeAll() {
        List<Request> all = new ArrayList<>(byKey.values());
        byKey.clear();
        for (Request request : all) {
            request.timeout.cancel(false);
        }
        return all;
    }

    private void expire(Request request) {
        if (byKey.remove(request.key, request)) {
            onTimeout.accept(request);
        }
    }

    private static void complete(CompletableFuture<Void> future, Throwable failure) {
        if (failure == null) {
            future.complete(null);
        } else {
            future.completeExceptionally(failure);
        }
    }
}
