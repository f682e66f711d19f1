package io.eddy.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.eddy.protocol.RpcAction;

/**
 * One REQUEST this client is asked to answer. Its state is guarded by its own monitor, because providers answer
 * from any thread; the messages are handed to the I/O thread while the monitor is held, so they leave in the
 * order the state changed.
 */
final class RpcProviderResponse implements RpcResponse {

    private final RpcTopic topic;
    private final String name;
    private final String correlationId;
    private final String requestorName;
    private final JsonNode requestorData;
    final int epoch;

    // guarded by this
    private boolean autoAccept = true;
    private boolean accepted;
    private boolean completed;

    RpcProviderResponse(RpcTopic topic, String name, String correlationId, String requestorName,
                        JsonNode requestorData, int epoch) {
        this.topic = topic;
        this.name = name;
        this.correlationId = correlationId;
        this.requestorName = requestorName;
        this.requestorData = requestorData;
        this.epoch = epoch;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String correlationId() {
        return correlationId;
    }

    @Override
    public String requestorName() {
        return requestorName;
    }

    @Override
    public JsonNode requestorData() {
        return requestorData;
    }

    @Override
    public synchronized void autoAccept(boolean enabled) {
        autoAccept = enabled;
    }

    @Override
    public synchronized void accept() {
        if (!accepted) {
            accepted = true;
            topic.answer(this, RpcAction.ACCEPT, null);
        }
    }

    @Override
    public void send(Object data) {
        finish(RpcAction.RESPONSE, topic.serialize(data, "response data"), true);
    }

    @Override
    public void send() {
        finish(RpcAction.RESPONSE, null, true);
    }

    @Override
    public void reject() {
        finish(RpcAction.REJECT, null, false);
    }

    @Override
    public void error(Object error) {
        finish(RpcAction.REQUEST_ERROR, topic.serialize(error, "error data"), false);
    }

    /** After the provider callback returned, on the I/O thread: ACCEPT unless turned off or answered already. */
    synchronized void autoAcceptIfWanted() {
        if (autoAccept && !completed) {
            accept();
        }
    }

    /** The provider threw: answer for it unless it answered before throwing. */
    synchronized void failIfUnanswered() {
        if (!completed) {
            finish(RpcAction.REQUEST_ERROR, "\"" + PROVIDER_FAILED + "\"", false);
        }
    }

    private synchronized void finish(RpcAction action, String data, boolean acceptFirst) {
        if (completed) {
            throw new IllegalStateException("RPC '" + name + "' (" + correlationId + ") was answered already");
        }
        completed = true;
        if (acceptFirst) {
            accept();
        } else {
            accepted = true; // as in the JavaScript client: no ACCEPT after a REJECT or REQUEST_ERROR
        }
        topic.answer(this, action, data);
    }

    @Override
    public String toString() {
        return "RPC response for " + name + " (" + correlationId + ")";
    }
}
