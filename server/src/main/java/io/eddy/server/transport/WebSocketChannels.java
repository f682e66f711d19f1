package io.eddy.server.transport;

import io.netty.channel.ChannelHandlerContext;
import io.quarkus.websockets.next.WebSocketConnection;
import io.quarkus.websockets.next.runtime.WebSocketConnectionBase;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.impl.WebSocketInternal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;

/**
 * Reaches the Vert.x WebSocket and its Netty channel behind a websockets-next connection. websockets-next keeps the
 * accessor package-private; it is opened once here, in the only place that depends on that detail, and fails at
 * startup with a clear message if a Quarkus upgrade moves it.
 */
final class WebSocketChannels {

    private static final MethodHandle WEB_SOCKET;
    /** vertx-web wraps the core WebSocket when the upgrade went through a Router. */
    private static final Class<?> WRAPPER;
    private static final MethodHandle WRAPPED;

    static {
        try {
            Method m = WebSocketConnectionBase.class.getDeclaredMethod("webSocket");
            m.setAccessible(true);
            WEB_SOCKET = MethodHandles.lookup().unreflect(m);
            WRAPPER = Class.forName("io.vertx.ext.web.impl.ServerWebSocketWrapper");
            java.lang.reflect.Field delegate = WRAPPER.getDeclaredField("delegate");
            delegate.setAccessible(true);
            WRAPPED = MethodHandles.lookup().unreflectGetter(delegate);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("this Quarkus version hides the WebSocket of a websockets-next"
                    + " connection differently; Eddy's transport needs updating", e);
        }
    }

    private WebSocketChannels() {
    }

    static ServerWebSocket webSocket(WebSocketConnection connection) {
        try {
            return (ServerWebSocket) WEB_SOCKET.invoke(connection);
        } catch (Throwable e) {
            throw new IllegalStateException("cannot reach the WebSocket of connection " + connection.id(), e);
        }
    }

    static ChannelHandlerContext context(ServerWebSocket webSocket) {
        ServerWebSocket core = webSocket;
        try {
            while (WRAPPER.isInstance(core)) {
                core = (ServerWebSocket) WRAPPED.invoke(core);
            }
        } catch (Throwable e) {
            throw new IllegalStateException("cannot unwrap " + webSocket.getClass().getName(), e);
        }
        return ((WebSocketInternal) core).channelHandlerContext();
    }
}
