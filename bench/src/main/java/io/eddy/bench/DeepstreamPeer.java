package io.eddy.bench;

import io.eddy.protocol.AuthAction;
import io.eddy.protocol.ConnectionAction;
import io.eddy.protocol.EventAction;
import io.eddy.protocol.Message;
import io.eddy.protocol.codec.MalformedMessageException;
import io.eddy.protocol.codec.MessageCodec;
import io.netty.channel.EventLoopGroup;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** deepstream's binary protocol: Eddy and deepstream 7.0.2. Optionally asks for Eddy's multi-message frames. */
final class DeepstreamPeer implements Peer {

    static final String EVENT = "bench";

    private final URI uri;
    private final boolean multiMessageFrames;
    private final byte[] publication;

    DeepstreamPeer(URI uri, boolean multiMessageFrames, int payloadBytes) {
        this.uri = uri;
        this.multiMessageFrames = multiMessageFrames;
        String data = "\"" + "x".repeat(Math.max(0, payloadBytes - 2)) + "\"";
        this.publication = BenchSocket.frame(false, MessageCodec.encode(Message.of(EventAction.EMIT).name(EVENT).data(data)));
    }

    @Override
    public CompletableFuture<BenchSocket> subscriber(EventLoopGroup group, int index) {
        return login(group, "s" + index).thenCompose(session -> {
            CompletableFuture<Message> ack = session.expectations.expect(m -> m.is(EventAction.SUBSCRIBE) && m.isAck());
            session.socket.send(BenchSocket.frame(false, MessageCodec.encode(Message.of(EventAction.SUBSCRIBE)
                    .names(List.of(EVENT)).correlationId("0"))));
            return ack.thenApply(m -> session.socket);
        });
    }

    @Override
    public CompletableFuture<BenchSocket> publisher(EventLoopGroup group, int index) {
        return login(group, "p" + index).thenApply(session -> session.socket);
    }

    @Override
    public byte[] publication() {
        return publication;
    }

    @Override
    public boolean packed() {
        return multiMessageFrames;
    }

    private record Session(BenchSocket socket, Expectations<Message> expectations) {
    }

    /** Logged in; every later message goes to {@code listener}, on the socket's event loop. */
    CompletableFuture<BenchSocket> loggedIn(EventLoopGroup group, String user, java.util.function.Consumer<Message> listener) {
        return login(group, user).thenApply(session -> {
            session.expectations.others(listener);
            return session.socket;
        });
    }

    private CompletableFuture<Session> login(EventLoopGroup group, String user) {
        Expectations<Message> expectations = new Expectations<>(DeepstreamPeer::decode);
        return BenchSocket.connect(group, uri, expectations).thenCompose(socket -> {
            CompletableFuture<Message> accept = expectations.expect(m -> m.is(ConnectionAction.ACCEPT));
            Message challenge = Message.of(ConnectionAction.CHALLENGE).url(uri.toString()).protocolVersion("0.1a")
                    .sdkVersion("bench").sdkType("java");
            if (multiMessageFrames) {
                challenge.data("{\"eddy\":{\"multiMessageFrames\":true}}");
            }
            socket.send(BenchSocket.frame(false, MessageCodec.encode(challenge)));
            return accept.thenCompose(a -> {
                CompletableFuture<Message> auth = expectations.expect(m -> m.topic() == io.eddy.protocol.Topic.AUTH);
                socket.send(BenchSocket.frame(false, MessageCodec.encode(Message.of(AuthAction.REQUEST)
                        .data("{\"username\":\"" + user + "\"}"))));
                return auth;
            }).thenApply(result -> {
                if (!result.is(AuthAction.AUTH_SUCCESSFUL)) {
                    throw new IllegalStateException("login refused: " + result);
                }
                return new Session(socket, expectations);
            });
        });
    }

    private static Iterable<Message> decode(byte[] payload) {
        try {
            return MessageCodec.decodeAll(payload, 0, payload.length);
        } catch (MalformedMessageException e) {
            throw new IllegalStateException("server sent an undecodable frame", e);
        }
    }
}
