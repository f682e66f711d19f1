package io.eddy.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Answers the requests for one RPC name this client provides ({@link Rpcs#provide}). Runs on the client's I/O
 * thread and must not block: long work belongs on another thread, which answers through the response later.
 * <p>
 * Unless the provider calls {@link RpcResponse#autoAccept(boolean) autoAccept(false)}, ACCEPT is sent as soon as it
 * returns. A provider that throws before answering makes the client answer {@code REQUEST_ERROR} with the text
 * {@value RpcResponse#PROVIDER_FAILED} (the exception is logged, not sent), so the requestor does not wait for the
 * server's response timeout.
 */
@FunctionalInterface
public interface RpcProvider {

    /**
     * @param data     the request's data: a {@link com.fasterxml.jackson.databind.node.MissingNode} when the
     *                 requestor sent none, a {@code NullNode} for JSON {@code null}
     * @param response answer the request with it: once, from any thread
     */
    void onRequest(JsonNode data, RpcResponse response);
}
