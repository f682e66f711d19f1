package io.eddy.server.transport;

import io.eddy.server.config.EddyConfig;
import io.eddy.server.node.EddyNode;
import io.eddy.server.session.CloseReason;
import io.eddy.server.session.Session;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.quarkus.websockets.next.InboundProcessingMode;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The deepstream WebSocket endpoint. It only adapts websockets-next callbacks to the node: every callback runs on
 * the connection's event loop ({@link NonBlocking}), in order, which is the thread a {@link Session} is confined to.
 * The path is fixed here because websockets-next paths are build-time constants; {@code eddy.server.path} adds an
 * alias (see {@link HttpRoutes}).
 * <p>
 * {@link InboundProcessingMode#CONCURRENT}: the default, SERIAL, gives every connection a limiter with a 256-slot
 * queue (about 1.2 KB per connection, idle or not) to hold messages back until the previous callback's result
 * completes. These callbacks complete before they return, on the one event-loop thread, so messages are handled in
 * arrival order either way.
 */
@WebSocket(path = DeepstreamEndpoint.PATH, inboundProcessingMode = InboundProcessingMode.CONCURRENT)
public class DeepstreamEndpoint {

    static final String PATH = "/deepstream";
    private static final Logger LOG = Logger.getLogger(DeepstreamEndpoint.class);

    private final ConcurrentHashMap<EventLoop, LoopWriter> writers = new ConcurrentHashMap<>();
    /** Numbers the loops: a fan-out hands all subscribers of one number to one loop, so numbers must never repeat. */
    private final AtomicInteger loopNumbers = new AtomicInteger();

    @Inject
    EddyNode node;

    @Inject
    EddyConfig config;

    @OnOpen
    @NonBlocking
    void onOpen(WebSocketConnection connection) {
        ServerWebSocket webSocket = WebSocketChannels.webSocket(connection);
        ChannelHandlerContext context = WebSocketChannels.context(webSocket);
        EventLoop loop = context.channel().eventLoop();
        LoopWriter writer = writers.computeIfAbsent(loop, l -> new LoopWriter(l, loopNumbers.getAndIncrement(), node.metrics()));
        NettyTransport transport = new NettyTransport(webSocket, context, writer, writer.index(),
                config.connection().maxPendingBytes(), node.metrics());
        node.protocol().open(connection.id(), transport);
    }

    @OnBinaryMessage
    @NonBlocking
    void onBinary(WebSocketConnection connection, Buffer frame) {
        Session session = node.sessions().get(connection.id());
        if (session == null) {
            return;
        }
        if (frame.length() > config.connection().maxMessageSize()) {
            node.badInput().close(session, null, CloseReason.MESSAGE_TOO_BIG,
                    "frame of " + frame.length() + " bytes");
            return;
        }
        node.protocol().onFrame(session, frame.getBytes());
    }

    @OnTextMessage
    @NonBlocking
    void onText(WebSocketConnection connection, String text) {
        Session session = node.sessions().get(connection.id());
        if (session != null) {
            node.badInput().close(session, null, CloseReason.TEXT_FRAME, "text frame");
        }
    }

    @OnClose
    @NonBlocking
    void onClose(WebSocketConnection connection) {
        Session session = node.sessions().get(connection.id());
        if (session != null) {
            node.protocol().onClosed(session);
        }
    }

    @OnError
    @NonBlocking
    void onError(WebSocketConnection connection, Throwable failure) {
        LOG.debugf(failure, "WebSocket error on connection %s", connection.id());
    }
}
