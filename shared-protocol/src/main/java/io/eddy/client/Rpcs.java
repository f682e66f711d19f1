package io.eddy.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.eddy.protocol.Topic;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Remote procedure calls (rpc.md): provide names that other clients call, and call names that some client
 * provides. Obtained from {@link EddyClient#rpc()}.
 * <pre>
 * client.rpc().provide("add", (data, response) -&gt; response.send(data.get("a").asInt() + data.get("b").asInt()));
 * other.rpc().make("add", Map.of("a", 1, "b", 2)).thenAccept(sum -&gt; …);   // 3
 * </pre>
 * Every method is thread-safe and returns at once; the work happens on the client's I/O thread, in call order.
 * Providers and result callbacks run on that thread and must not block; futures complete there too.
 * <p>
 * <b>Providing.</b> A provide belongs to the client, not to a connection: made before login or while
 * reconnecting it reaches the server at the next login, and after a reconnect every name is provided again. Its
 * future completes when the server acknowledges the PROVIDE and fails with an {@link EddyClientException} on
 * {@code ACK_TIMEOUT}, {@code MESSAGE_DENIED} (the provider is then forgotten), {@code PROVIDER_EXISTS} or when the
 * client stops. A request for a name this client no longer provides is answered with REJECT, so the server moves
 * on to another provider.
 * <p>
 * <b>Calling.</b> Each call gets a correlation id like the JavaScript client's ({@code <base36 time>-<base36
 * random>}). The client has no timeout of its own, as in deepstream: the server ends every call, with the answer
 * or with {@code NO_RPC_PROVIDER}, {@code ACCEPT_TIMEOUT} or {@code RESPONSE_TIMEOUT}. A call made while the client
 * is not logged in waits in the offline buffer and is sent after the next login; one that waited longer than the
 * offline buffer timeout fails with {@code CLIENT_OFFLINE}. A call under way when the connection is lost fails
 * with {@code CLIENT_OFFLINE}, as in the JavaScript client: the server dropped it along with the connection, and
 * the client does not send it again because the provider may already have carried it out.
 */
public final class Rpcs {

    private final Connection connection;
    private final RpcTopic topic;
    private final Notifier notifier;

    Rpcs(Connection connection, RpcTopic topic, Notifier notifier) {
        this.connection = connection;
        this.topic = topic;
        this.notifier = notifier;
    }

    /**
     * Provides {@code name}: requests for it may now be routed to {@code provider}. One provider per name and
     * client; providing a name twice fails with {@code PROVIDER_EXISTS}.
     */
    public CompletableFuture<Void> provide(String name, RpcProvider provider) {
        requireName(name);
        Objects.requireNonNull(provider, "provider");
        CompletableFuture<Void> result = new CompletableFuture<>();
        connection.execute(() -> topic.provide(name, provider, result), result);
        return result;
    }

    /**
     * Stops providing {@code name} (UNPROVIDE). Completes on the acknowledgement, at once when the name was not
     * provided or the client is not logged in.
     */
    public CompletableFuture<Void> unprovide(String name) {
        requireName(name);
        CompletableFuture<Void> result = new CompletableFuture<>();
        connection.execute(() -> topic.unprovide(name, result), result);
        return result;
    }

    /**
     * Calls {@code name} with {@code data} serialized by Jackson ({@code null} is sent as JSON null, a
     * {@link MissingNode} as no data, so a received request's data can be passed on as it came). Completes
     * with the provider's answer: a {@link JsonNode}, a {@link MissingNode} when it sent no data. Fails with an
     * {@link RpcException} whose event is the server's answer ({@code NO_RPC_PROVIDER}, {@code ACCEPT_TIMEOUT},
     * {@code RESPONSE_TIMEOUT}, {@code MESSAGE_DENIED} …), {@code REQUEST_ERROR} with the provider's error as
     * {@link RpcException#data()}, or {@code CLIENT_OFFLINE}; after the client stopped, with the reason it stopped.
     *
     * @throws IllegalArgumentException when Jackson cannot serialize {@code data}
     */
    public CompletableFuture<JsonNode> make(String name, Object data) {
        requireName(name);
        return make0(name, topic.serialize(data, "RPC data"));
    }

    /** Calls {@code name} without data: the REQUEST carries no data field, the provider sees a MissingNode. */
    public CompletableFuture<JsonNode> make(String name) {
        requireName(name);
        return make0(name, null);
    }

    /**
     * {@link #make(String, Object)} with a callback instead of a future; it runs on the I/O thread with either the
     * result or the failure.
     */
    public void make(String name, Object data, RpcResultCallback callback) {
        Objects.requireNonNull(callback, "callback");
        make(name, data).whenComplete((result, failure) -> notifier.run("result callback of RPC '" + name + "'",
                () -> callback.onResult(result, failure == null ? null : unwrap(failure))));
    }

    private CompletableFuture<JsonNode> make0(String name, String data) {
        CompletableFuture<JsonNode> result = new CompletableFuture<>();
        connection.execute(() -> topic.make(name, data, result), result);
        return result;
    }

    private static EddyClientException unwrap(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause instanceof EddyClientException e ? e
                : new EddyClientException(Topic.RPC, "ERROR", String.valueOf(cause));
    }

    private static String requireName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("RPC names must be non-empty strings");
        }
        return name;
    }
}
