package io.eddy.client;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The callers waiting for the server to acknowledge a name's SUBSCRIBE, PROVIDE or LISTEN: one future per name,
 * shared by every caller of that name. It outlives {@link PendingAcks}' request, because a name not acknowledged
 * when the connection is lost is sent again after the next login and acknowledged on that connection. Confined to
 * the client's event loop.
 * <p>
 * Each future is removed from the map before it completes, so a caller reacting to it may subscribe again.
 */
final class AckWaiters {

    private final Map<String, CompletableFuture<Void>> byName = new HashMap<>();

    /** The future of a name about to be sent; callers of a name that still waits share its future. */
    CompletableFuture<Void> add(String name) {
        return byName.computeIfAbsent(name, n -> new CompletableFuture<>());
    }

    /** The future of a name still waiting, or null when it has been acknowledged. */
    CompletableFuture<Void> get(String name) {
        return byName.get(name);
    }

    void complete(String name) {
        CompletableFuture<Void> waiting = byName.remove(name);
        if (waiting != null) {
            waiting.complete(null);
        }
    }

    void complete(Collection<String> names) {
        for (String name : names) {
            complete(name);
        }
    }

    void fail(String name, Throwable cause) {
        CompletableFuture<Void> waiting = byName.remove(name);
        if (waiting != null) {
            waiting.completeExceptionally(cause);
        }
    }

    void fail(Collection<String> names, Throwable cause) {
        for (String name : names) {
            fail(name, cause);
        }
    }

    /**
     * The connection is lost. The names in {@code resent} go out again after the next login and keep waiting; the
     * others were given up meanwhile and complete, since the server forgot them along with the connection.
     */
    void completeAllExcept(Set<String> resent) {
        List<CompletableFuture<Void>> done = new ArrayList<>();
        byName.entrySet().removeIf(e -> !resent.contains(e.getKey()) && done.add(e.getValue()));
        for (CompletableFuture<Void> waiting : done) {
            waiting.complete(null);
        }
    }

    /** The client stopped for good. */
    void failAll(Throwable cause) {
        List<CompletableFuture<Void>> all = new ArrayList<>(byName.values());
        byName.clear();
        for (CompletableFuture<Void> waiting : all) {
            waiting.completeExceptionally(cause);
        }
    }
}
