package io.eddy.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The provider's side of one RPC request, as in the JavaScript client's {@code RpcResponse}. A request ends with
 * exactly one of {@link #send}, {@link #error} or {@link #reject}; a second one throws. {@link #accept()} only tells
 * the server the request is being worked on, and is sent by itself unless turned off with
 * {@link #autoAccept(boolean)}.
 * <p>
 * All methods are thread-safe; what they send goes out in the order they were called. Answers given after the
 * connection was lost are dropped: the server ended the call when the provider's connection went away.
 */
public interface RpcResponse {

    /** The data of the {@code REQUEST_ERROR} sent when the provider throws before answering. */
    String PROVIDER_FAILED = "PROVIDER_FAILED";

    /** The RPC name. */
    String name();

    /** The requestor's correlation id, which identifies the call on the server. */
    String correlationId();

    /**
     * The requestor's user id, when the server sends it ({@code eddy.rpc.provide-requestor-name}, deepstream's
     * {@code rpc.provideRequestorName}); null otherwise.
     */
    String requestorName();

    /**
     * The requestor's clientData, when the server sends it ({@code eddy.rpc.provide-requestor-data}) and the
     * requestor has any; null otherwise.
     */
    JsonNode requestorData();

    /**
     * Whether ACCEPT is sent by itself once the provider callback returned; default true. Only a call made inside
     * the provider callback can prevent it: the provider that wants to accept later, or to reject after a look at
     * its workload, turns it off there.
     */
    void autoAccept(boolean enabled);

    /** Sends ACCEPT unless it was sent already; the server then waits for the answer (its response timeout). */
    void accept();

    /**
     * Answers the request: sends ACCEPT if it was not sent yet, then RESPONSE with {@code data} serialized by
     * Jackson ({@code null} is JSON null, a {@link com.fasterxml.jackson.databind.node.MissingNode} is no data).
     *
     * @throws IllegalStateException    when the request was answered already
     * @throws IllegalArgumentException when Jackson cannot serialize {@code data}
     */
    void send(Object data);

    /**
     * Answers the request with RESPONSE without data; the requestor receives a
     * {@link com.fasterxml.jackson.databind.node.MissingNode}.
     *
     * @throws IllegalStateException when the request was answered already
     */
    void send();

    /**
     * Declines the request (REJECT): the server tries another provider that has not seen the call, and answers
     * {@code NO_RPC_PROVIDER} when none is left.
     *
     * @throws IllegalStateException when the request was answered already
     */
    void reject();

    /**
     * Fails the request (REQUEST_ERROR, no ACCEPT needed): the requestor's call fails with an {@link RpcException}
     * whose {@link RpcException#data()} is {@code error} serialized by Jackson.
     *
     * @throws IllegalStateException    when the request was answered already
     * @throws IllegalArgumentException when Jackson cannot serialize {@code error}
     */
    void error(Object error);
}
