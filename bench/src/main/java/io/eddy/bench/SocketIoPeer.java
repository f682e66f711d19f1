package io.eddy.bench;

import io.netty.channel.EventLoopGroup;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Socket.IO v5 over Engine.IO v4, spoken on a raw WebSocket ({@code /socket.io/?EIO=4&transport=websocket}) to the
 * small room-broadcast server in bench/peers/socketio-server.js: {@code join} puts a socket in a room and answers
 * {@code joined}; {@code pub} broadcasts to the room as {@code msg}.
 */
final class SocketIoPeer implements Peer {

    private final URI uri;
    private final byte[] publication;

    SocketIoPeer(URI base, int payloadBytes) {
        this.uri = URI.create(base.toString().replaceFirst("/+$", "") + "/socket.io/?EIO=4&transport=websocket");
        String data = "x".repeat(Math.max(0, payloadBytes - 2));
        this.publication = BenchSocket.frame(true, ("42[\"pub\",\"" + DeepstreamPeer.EVENT + "\",\"" + data + "\"]")
                .getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public CompletableFuture<BenchSocket> subscriber(EventLoopGroup group, int index) {
        return open(group).thenCompose(session -> {
            CompletableFuture<String> joined = session.expectations.expect(m -> m.startsWith("42[\"joined\""));
            session.socket.send(text("42[\"join\",\"" + DeepstreamPeer.EVENT + "\"]"));
            return joined.thenApply(m -> session.socket);
        });
    }

    @Override
    public CompletableFuture<BenchSocket> publisher(EventLoopGroup group, int index) {
        return open(group).thenApply(session -> session.socket);
    }

    @Override
    public byte[] publication() {
        return publication;
    }

    private record Session(BenchSocket socket, Expectations<String> expectations) {
    }

    /** Engine.IO open packet "0{…}", then the namespace connect "40" answered by "40{…}". */
    private CompletableFuture<Session> open(EventLoopGroup group) {
        Expectations<String> expectations = new Expectations<>(m -> List.of(new String(m, StandardCharsets.UTF_8)));
        CompletableFuture<String> opened = expectations.expect(m -> m.startsWith("0{"));
        return BenchSocket.connect(group, uri, expectations)
                .thenCompose(socket -> opened.thenCompose(o -> {
                    CompletableFuture<String> connected = expectations.expect(m -> m.startsWith("40"));
                    socket.send(text("40"));
                    return connected;
                }).thenApply(c -> new Session(socket, expectations)));
    }

    private static byte[] text(String s) {
        return BenchSocket.frame(true, s.getBytes(StandardCharsets.UTF_8));
    }
}
