package io.eddy.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.eddy.protocol.Topic;

/**
 * Why an RPC made by this client failed. {@link #event()} is the server's answer ({@code NO_RPC_PROVIDER},
 * {@code ACCEPT_TIMEOUT}, {@code RESPONSE_TIMEOUT}, {@code MESSAGE_DENIED}, {@code MESSAGE_PERMISSION_ERROR},
 * {@code INVALID_MESSAGE_DATA}, {@code INVALID_RPC_CORRELATION_ID}), {@code REQUEST_ERROR} when the provider
 * answered with an error — then {@link #data()} holds it —, {@code CLIENT_OFFLINE} when the request could not reach
 * the server or the connection was lost before the answer, or {@code MESSAGE_PARSE_ERROR} for an answer that is not
 * JSON.
 */
public final class RpcException extends EddyClientException {

    private final String name;
    private final transient JsonNode data;

    RpcException(String event, String name, JsonNode data) {
        super(Topic.RPC, event, data == null || data.isMissingNode() ? name : name + ": " + data);
        this.name = name;
        this.data = data == null ? MissingNode.getInstance() : data;
    }

    /** The name of the RPC that failed. */
    public String name() {
        return name;
    }

    /**
     * For {@code REQUEST_ERROR}, what the provider passed to {@link RpcResponse#error} (e.g. a {@code TextNode}
     * {@code "boom"}); a {@link MissingNode} for the other events.
     */
    public JsonNode data() {
        return data;
    }
}
