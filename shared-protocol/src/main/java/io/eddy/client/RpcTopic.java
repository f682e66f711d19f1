package io.eddy.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.eddy.protocol.Message;
import io.eddy.protocol.RpcAction;
import io.eddy.protocol.Topic;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The RPC topic on the client (rpc.md): the names this client provides, with bulk PROVIDE/UNPROVIDE and their
 * acknowledgements; the requests it receives as a provider; the calls it makes, keyed by correlation id, which end
 * with the provider's answer or the server's NO_RPC_PROVIDER / ACCEPT_TIMEOUT / RESPONSE_TIMEOUT. Confined to the
 * client's event loop, except {@link #answer} and {@link #serialize}; {@link Rpcs} is its public face.
 * <p>
 * Across a connection loss it behaves as the JavaScript client: calls under way fail with {@code CLIENT_OFFLINE}
 * (the server forgot them with the connection, and sending them again could run a call twice), calls made while
 * offline wait in the offline buffer and go out after the next login, provides are sent again.
 */
final class RpcTopic implements TopicHandler {

    /** A call made by this client. */
    private static final class Call {
        final String name;
        final CompletableFuture<JsonNode> result;
        /** False while it waits in the offline buffer. */
        boolean sent;

        Call(String name, CompletableFuture<JsonNode> result) {
            this.name = name;
            this.result = result;
        }
    }

    private final Connection connection;
    private final Notifier notifier;
    private final ObjectMapper json;
    private final PendingAcks acks;
    private final OfflineBuffer offline;

    /** Provided names and their providers, in the order they were provided. */
    private final Map<String, RpcProvider> providers = new LinkedHashMap<>();
    /** Names whose PROVIDE is not acknowledged yet, also while it waits for the next login. */
    private final AckWaiters providing = new AckWaiters();
    /** Calls made by this client and not ended, sent or waiting in the offline buffer, by correlation id. */
    private final Map<String, Call> calls = new HashMap<>();
    /** Bulk correlation ids count per session, shared by PROVIDE and UNPROVIDE, like the JavaScript client's. */
    private int nextCorrelationId;

    RpcTopic(Connection connection, ClientOptions options, Notifier notifier) {
        this.connection = connection;
        this.notifier = notifier;
        this.json = options.json();
        this.acks = new PendingAcks(connection.loop(), options.subscriptionTimeout().toMillis(), this::ackTimedOut);
        this.offline = new OfflineBuffer(connection.loop(), options.offlineBufferTimeout().toNanos(),
                options.offlineBufferSize(), this::droppedOffline);
    }

    // ---- calls from Rpcs and the responses, from any thread ---------------------------------------------------

    /** JSON text of a value; null is JSON null, a MissingNode is no data at all (null). */
    String serialize(Object value, String what) {
        if (value instanceof JsonNode node && node.isMissingNode()) {
            return null;
        }
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(what + " cannot be serialized: " + e.getOriginalMessage(), e);
        }
    }

    /** Sends a provider's ACCEPT or answer, unless the connection it belongs to is gone. */
    void answer(RpcProviderResponse response, RpcAction action, String data) {
        Message message = Message.of(action).name(response.name()).correlationId(response.correlationId()).data(data);
        connection.execute(() -> {
            if (response.epoch == connection.epoch() && connection.isOpen()) {
                connection.write(message);
            } // else the server ended the call when that connection went away
        });
    }

    // ---- calls from Rpcs, on the event loop ----------------------------------------------------------------

    void provide(String name, RpcProvider provider, CompletableFuture<Void> result) {
        if (connection.isStopped()) {
            result.completeExceptionally(connection.stoppedException());
            return;
        }
        if (providers.containsKey(name)) {
            result.completeExceptionally(new EddyClientException(Topic.RPC, "PROVIDER_EXISTS", name));
            return;
        }
        providers.put(name, provider);
        CompletableFuture<Void> acked = providing.add(name);
        if (connection.isOpen()) {
            sendBulk(RpcAction.PROVIDE, List.of(name), null);
        }
        EventTopic.completeWith(acked, result);
    }

    void unprovide(String name, CompletableFuture<Void> result) {
        if (connection.isStopped()) {
            result.completeExceptionally(connection.stoppedException());
            return;
        }
        if (providers.remove(name) == null) {
            result.complete(null);
            return;
        }
        if (connection.isOpen()) {
            sendBulk(RpcAction.UNPROVIDE, List.of(name), result);
        } else {
            // the server holds nothing for this client now, and the next login will not provide the name
            providing.complete(name);
            result.complete(null);
        }
    }

    /** {@code data} is JSON text, or null for a request without data. */
    void make(String name, String data, CompletableFuture<JsonNode> result) {
        if (connection.isStopped()) {
            result.completeExceptionally(connection.stoppedException());
            return;
        }
        String correlationId = CorrelationIds.unique();
        while (calls.containsKey(correlationId)) {
            correlationId = CorrelationIds.unique();
        }
        Call call = new Call(name, result);
        calls.put(correlationId, call);
        Message request = Message.of(RpcAction.REQUEST).name(name).correlationId(correlationId).data(data);
        if (connection.isOpen()) {
            call.sent = true;
            connection.write(request);
        } else {
            offline.add(request);
        }
    }

    // ---- messages from the server ------------------------------------------------------------------------------

    @Override
    public void handle(Message message) {
        RpcAction action = RpcAction.of(message.action());
        if (message.isAck()) {
            switch (action) {
                case PROVIDE -> onProvideAck(message.correlationId());
                case UNPROVIDE -> onUnprovideAck(message.correlationId());
                default -> notifier.error(Topic.RPC, "UNSOLICITED_MESSAGE", message.toString());
            }
            return;
        }
        switch (action) {
            case REQUEST -> onRequest(message);
            case ACCEPT -> {
                if (!calls.containsKey(message.correlationId())) {
                    unknownCall(message);
                } // the provider is working on it; the call goes on until its answer
            }
            case RESPONSE -> {
                Call call = endCall(message);
                if (call != null) {
                    JsonNode data = parse(message.data());
                    if (data == null) {
                        call.result.completeExceptionally(new RpcException("MESSAGE_PARSE_ERROR", call.name, null));
                    } else {
                        call.result.complete(data);
                    }
                }
            }
            case REQUEST_ERROR -> {
                Call call = endCall(message);
                if (call != null) {
                    JsonNode data = parse(message.data());
                    call.result.completeExceptionally(new RpcException(action.name(), call.name,
                            data != null ? data : MissingNode.getInstance()));
                }
            }
            case NO_RPC_PROVIDER, ACCEPT_TIMEOUT, RESPONSE_TIMEOUT -> {
                Call call = endCall(message);
                if (call != null) {
                    call.result.completeExceptionally(new RpcException(action.name(), call.name, null));
                }
            }
            case MESSAGE_DENIED, MESSAGE_PERMISSION_ERROR, INVALID_MESSAGE_DATA, INVALID_RPC_CORRELATION_ID ->
                    onError(action, message);
            case MULTIPLE_PROVIDERS, MULTIPLE_ACCEPT, MULTIPLE_RESPONSE, NOT_PROVIDED ->
                    notifier.error(Topic.RPC, action.name(), message.name());
            default -> notifier.error(Topic.RPC, "UNSOLICITED_MESSAGE", message.toString());
        }
    }

    private void onRequest(Message message) {
        String name = message.name();
        RpcProvider provider = name == null ? null : providers.get(name);
        if (provider == null) {
            // unprovided while the request was on its way: let the server try another provider at once
            connection.write(Message.of(RpcAction.REJECT).name(name).correlationId(message.correlationId()));
            return;
        }
        JsonNode requestorData = message.requestorData() == null ? null : parse(message.requestorData());
        RpcProviderResponse response = new RpcProviderResponse(this, name, message.correlationId(),
                message.requestorName(), requestorData, connection.epoch());
        JsonNode data = parse(message.data());
        if (data == null) {
            notifier.error(Topic.RPC, "MESSAGE_PARSE_ERROR", name + ": request data is not JSON");
            response.error("INVALID_MESSAGE_DATA");
            return;
        }
        if (notifier.run("provider of RPC '" + name + "'", () -> provider.onRequest(data, response))) {
            response.autoAcceptIfWanted();
        } else {
            response.failIfUnanswered();
        }
    }

    private void onProvideAck(String correlationId) {
        PendingAcks.Request request = acks.remove(RpcAction.PROVIDE, correlationId);
        if (request != null) { // else not ours: something sent raw
            providing.complete(request.names);
        }
    }

    private void onUnprovideAck(String correlationId) {
        PendingAcks.Request request = acks.remove(RpcAction.UNPROVIDE, correlationId);
        if (request != null && request.done != null) {
            request.done.complete(null);
        }
    }

    /** Errors that answer a REQUEST end that call; those about a PROVIDE take the provider back. */
    private void onError(RpcAction action, Message message) {
        Integer original = message.originalAction();
        String name = message.name();
        if (original != null && original == RpcAction.REQUEST.code()) {
            Call call = endCall(message);
            if (call != null) {
                call.result.completeExceptionally(new RpcException(action.name(), call.name, null));
            }
            return; // the caller learns it from the failed call
        }
        if (original != null && (original == RpcAction.PROVIDE.code() || original == RpcAction.UNPROVIDE.code())
                && action != RpcAction.INVALID_RPC_CORRELATION_ID) {
            // as the JavaScript client: a refused provider is forgotten, no request will ever reach it
            if (original == RpcAction.PROVIDE.code()) {
                providers.remove(name);
            }
            providing.fail(name, new EddyClientException(Topic.RPC, action.name(), name));
            PendingAcks.Request ended = acks.refuse(RpcAction.of(original), message.correlationId(), name);
            if (ended != null && ended.done != null) {
                ended.done.completeExceptionally(new EddyClientException(Topic.RPC, action.name(), name));
            }
        }
        // as a provider: an answer that came too late, after the call ended
        notifier.error(Topic.RPC, action.name(), name);
    }

    /** The call a message ends, removed; null (and reported) when this client has no such call. */
    private Call endCall(Message message) {
        Call call = message.correlationId() == null ? null : calls.get(message.correlationId());
        if (call == null || !call.sent) {
            unknownCall(message);
            return null;
        }
        calls.remove(message.correlationId());
        return call;
    }

    private void unknownCall(Message message) {
        notifier.error(Topic.RPC, "UNKNOWN_CORRELATION_ID", RpcAction.of(message.action()) + " " + message.name()
                + " " + message.correlationId());
    }

    private void ackTimedOut(PendingAcks.Request request) {
        String what = request.describe();
        EddyClientException timeout = new EddyClientException(Topic.RPC, "ACK_TIMEOUT", what);
        if (request.action == RpcAction.PROVIDE) {
            providing.fail(request.names, timeout);
        } else if (request.done != null) {
            request.done.completeExceptionally(timeout);
        }
        notifier.error(Topic.RPC, "ACK_TIMEOUT", what);
    }

    private void droppedOffline(Message request) {
        Call call = calls.remove(request.correlationId());
        if (call != null) {
            call.result.completeExceptionally(new RpcException("CLIENT_OFFLINE", call.name, null));
        }
    }

    // ---- session lifecycle ---------------------------------------------------------------------------------

    @Override
    public void onSessionOpened() {
        nextCorrelationId = 0;
        if (!providers.isEmpty()) {
            sendBulk(RpcAction.PROVIDE, new ArrayList<>(providers.keySet()), null);
        }
        offline.drainTo(request -> {
            Call call = calls.get(request.correlationId());
            if (call != null) {
                call.sent = true;
                connection.write(request);
            }
        });
    }

    @Override
    public void onSessionLost() {
        nextCorrelationId = 0;
        acks.completeAll();
        providing.completeAllExcept(providers.keySet());
        List<Call> lost = new ArrayList<>();
        calls.values().removeIf(call -> call.sent && lost.add(call));
        for (Call call : lost) {
            call.result.completeExceptionally(new RpcException("CLIENT_OFFLINE", call.name, null));
        }
    }

    @Override
    public void onStopped(EddyClientException cause, boolean reportDiscarded) {
        acks.failAll(cause);
        providing.failAll(cause);
        List<Call> all = new ArrayList<>(calls.values());
        calls.clear();
        offline.discard(false);
        for (Call call : all) {
            call.result.completeExceptionally(cause);
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private void sendBulk(RpcAction action, List<String> names, CompletableFuture<Void> done) {
        String correlationId = Integer.toString(nextCorrelationId++);
        connection.write(Message.of(action).names(List.copyOf(names)).correlationId(correlationId));
        acks.add(action, correlationId, names, done);
    }

    /** Parsed JSON text; a MissingNode when there is none, null when it is not JSON. */
    private JsonNode parse(String text) {
        if (text == null) {
            return MissingNode.getInstance();
        }
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
