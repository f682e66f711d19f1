package io.eddy.bench;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Set-up replies a socket waits for, in order: each received message completes the oldest expectation it matches.
 * Only used before the measurement starts. Confined to the socket's event loop, except {@link #expect}.
 */
final class Expectations<M> implements BenchSocket.Receiver {

    private record Expected<M>(Predicate<M> condition, CompletableFuture<M> result) {
    }

    private final Function<byte[], Iterable<M>> decoder;
    private final ArrayDeque<Expected<M>> pending = new ArrayDeque<>();
    private volatile java.util.function.Consumer<M> others = m -> { };

    Expectations(Function<byte[], Iterable<M>> decoder) {
        this.decoder = decoder;
    }

    /** Receives every message no expectation matched. */
    void others(java.util.function.Consumer<M> listener) {
        others = listener;
    }

    synchronized CompletableFuture<M> expect(Predicate<M> condition) {
        CompletableFuture<M> result = new CompletableFuture<>();
        pending.add(new Expected<>(condition, result));
        return result;
    }

    @Override
    public void message(byte[] payload) {
        for (M m : decoder.apply(payload)) {
            Expected<M> match = null;
            synchronized (this) {
                for (Expected<M> e : pending) {
                    if (e.condition().test(m)) {
                        match = e;
                        break;
                    }
                }
                if (match != null) {
                    pending.remove(match);
                }
            }
            if (match != null) {
                match.result().complete(m);
            } else {
                others.accept(m);
            }
        }
    }
}
