package io.eddy.client;

import java.util.Objects;
import java.util.function.Consumer;

/** One SUBSCRIPTION_FOR_PATTERN_FOUND question and its answer; the state is owned by {@link Listening}. */
final class ProviderResponse implements ListenResponse {

    final String pattern;
    final String subscription;
    final int epoch;
    private final Listening listening;

    // confined to the event loop
    boolean answered;
    boolean stopped;
    Consumer<String> stopCallback;

    ProviderResponse(Listening listening, String pattern, String subscription, int epoch) {
        this.listening = listening;
        this.pattern = pattern;
        this.subscription = subscription;
        this.epoch = epoch;
    }

    @Override
    public void accept() {
        listening.answer(this, true);
    }

    @Override
    public void reject() {
        listening.answer(this, false);
    }

    @Override
    public void onStop(Consumer<String> callback) {
        listening.onStop(this, Objects.requireNonNull(callback, "callback"));
    }

    @Override
    public String toString() {
        return "listen response for " + subscription + " (pattern " + pattern + ")";
    }
}
