package io.eddy.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.eddy.protocol.Message;
import io.eddy.protocol.Topic;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Hands events to user code. A callback that throws must not take the I/O thread's remaining work with it (other
 * messages of the same frame, other clients sharing the event loop), so every call is guarded and failures logged.
 */
final class Notifier {

    private static final System.Logger LOG = System.getLogger(EddyClient.class.getName());

    private final ClientErrorListener errors;
    private final ConnectionStateListener states;
    private final CopyOnWriteArrayList<Consumer<Message>> rawListeners = new CopyOnWriteArrayList<>();

    Notifier(ClientErrorListener errors, ConnectionStateListener states) {
        this.errors = errors != null ? errors : Notifier::logError;
        this.states = states;
    }

    void addRawListener(Consumer<Message> listener) {
        rawListeners.add(listener);
    }

    void error(Topic topic, String event, String detail) {
        try {
            errors.onError(topic, event, detail);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "error listener failed", e);
        }
    }

    void state(ConnectionState state) {
        if (states == null) {
            return;
        }
        try {
            states.onStateChanged(state);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "connection state listener failed", e);
        }
    }

    void rawMessage(Message message) {
        for (Consumer<Message> listener : rawListeners) {
            try {
                listener.accept(message);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "message listener failed", e);
            }
        }
    }

    void event(Consumer<JsonNode> callback, String name, JsonNode data) {
        try {
            callback.accept(data);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "callback for event '" + name + "' failed", e);
        }
    }

    /** Runs user code; false when it threw, which is logged. */
    boolean run(String what, Runnable callback) {
        try {
            callback.run();
            return true;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, what + " failed", e);
            return false;
        }
    }

    private static void logError(Topic topic, String event, String detail) {
        LOG.log(System.Logger.Level.WARNING, "{0} {1}{2}", topic, event, detail == null ? "" : ": " + detail);
    }
}
