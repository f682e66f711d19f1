package io.eddy.server.testing;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Forwards a loopback port to a server, and can be cut and restored: a server the test may make unreachable without
 * stopping it (a shared PostgreSQL, say). While cut, connections are refused and open ones are closed.
 */
public final class TcpRelay implements AutoCloseable {

    private final Vertx vertx;
    private final String targetHost;
    private final int targetPort;
    private final NetClient client;
    private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
    private NetServer server;
    private int port;

    public TcpRelay(Vertx vertx, String targetHost, int targetPort) {
        this.vertx = vertx;
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.client = vertx.createNetClient();
    }

    /** Starts relaying, on the same port as before if it ran already. */
    public synchronized TcpRelay open() throws Exception {
        NetServer s = vertx.createNetServer().connectHandler(this::relay);
        server = s.listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        port = server.actualPort();
        return this;
    }

    /** Stops accepting and closes every relayed connection. */
    public synchronized void cut() throws Exception {
        if (server != null) {
            server.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            server = null;
        }
        sockets.forEach(NetSocket::close);
        sockets.clear();
    }

    public int port() {
        return port;
    }

    @Override
    public void close() throws Exception {
        cut();
        client.close();
    }

    private void relay(NetSocket downstream) {
        sockets.add(downstream);
        downstream.pause(); // until there is somewhere to send what it reads; pipeTo resumes it
        client.connect(targetPort, targetHost).onComplete(connected -> {
            if (connected.failed()) {
                downstream.close();
                return;
            }
            NetSocket upstream = connected.result();
            sockets.add(upstream);
            downstream.pipeTo(upstream);
            upstream.pipeTo(downstream);
        });
    }
}
