package io.eddy.bench;

import io.netty.channel.EventLoopGroup;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The bare forwarder ({@link BareForwarder}): a connection says "S" to subscribe or "P" to publish and gets "ok";
 * every frame a publisher sends afterwards goes to every subscriber unchanged.
 */
final class BarePeer implements Peer {

    private final URI uri;
    private final byte[] publication;

    BarePeer(URI uri, int payloadBytes) {
        this.uri = uri;
        this.publication = BenchSocket.frame(false, new byte[payloadBytes]);
    }

    @Override
    public CompletableFuture<BenchSocket> subscriber(EventLoopGroup group, int index) {
        return open(group, "S");
    }

    @Override
    public CompletableFuture<BenchSocket> publisher(EventLoopGroup group, int index) {
        return open(group, "P");
    }

    @Override
    public byte[] publication() {
        return publication;
    }

    private CompletableFuture<BenchSocket> open(EventLoopGroup group, String role) {
        Expectations<byte[]> expectations = new Expectations<>(m -> List.of(m));
        CompletableFuture<byte[]> ok = expectations.expect(m -> m.length == 2);
        return BenchSocket.connect(group, uri, expectations).thenCompose(socket -> {
            socket.send(BenchSocket.frame(false, role.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            return ok.thenApply(m -> socket);
        });
    }
}
