package io.eddy.client;

import io.eddy.protocol.Topic;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.fail;

/** Records what a client reports to its error and state listeners, for assertions from the test thread. */
final class ClientRecorder implements ClientErrorListener, ConnectionStateListener {

    record Error(Topic topic, String event, String detail) {
    }

    private final List<Error> errors = new CopyOnWriteArrayList<>();
    private final List<ConnectionState> states = new CopyOnWriteArrayList<>();

    @Override
    public void onError(Topic topic, String event, String detail) {
        errors.add(new Error(topic, event, detail));
    }

    @Override
    public void onStateChanged(ConnectionState state) {
        states.add(state);
    }

    List<Error> errors() {
        return List.copyOf(errors);
    }

    List<ConnectionState> states() {
        return List.copyOf(states);
    }

    boolean saw(ConnectionState state) {
        return states.contains(state);
    }

    Error awaitError(Topic topic, String event, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (Error e : errors) {
                if (e.topic() == topic && e.event().equals(event)) {
                    return e;
                }
            }
            Await.pause();
        }
        return fail("no " + topic + " " + event + " error within " + timeout + "; errors: " + errors);
    }

    /** Waits until {@code state} was reported {@code times} times in all. */
    void awaitState(ConnectionState state, int times, Duration timeout) {
        Await.until(() -> states.stream().filter(s -> s == state).count() >= times,
                timeout, () -> state + " x" + times + "; states: " + states);
    }
}
