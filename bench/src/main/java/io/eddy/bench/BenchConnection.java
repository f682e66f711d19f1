package io.eddy.bench;

import io.eddy.protocol.AuthAction;
import io.eddy.protocol.ConnectionAction;
import io.eddy.protocol.Message;
import io.eddy.protocol.codec.MalformedMessageException;
import io.eddy.protocol.codec.MessageCodec;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;

import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * One load-generator connection: a raw WebSocket that logs in with full decoding, then hands every frame to a
 * cheap {@link FrameCounter} instead of decoding it — the generator must cost the server's cores as little as
 * possible.
 */
final class BenchConnection {

    /** What a connection does with a frame once it is logged in. Runs on the connection's event loop. */
    interface FrameCounter {
        void frame(ByteBuf content);
    }

    private final Channel channel;
    private final Handler handler;

    private BenchConnection(Channel channel, Handler handler) {
        this.channel = channel;
        this.handler = handler;
    }

    /** Connects, sends CHALLENGE and AUTH for {@code user}, completes once logged in. */
    static CompletableFuture<BenchConnection> open(EventLoopGroup group, URI uri, String user, boolean multiMessageFrames) {
        Handler handler = new Handler();
        CompletableFuture<BenchConnection> opened = new CompletableFuture<>();
        Bootstrap bootstrap = new Bootstrap().group(group).channel(Transport.channel())
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(65536),
                                new WebSocketClientProtocolHandler(WebSocketClientHandshakerFactory.newHandshaker(uri,
                                        WebSocketVersion.V13, null, false, new DefaultHttpHeaders(), 64 * 1024 * 1024)),
                                handler);
                    }
                });
        int port = uri.getPort() > 0 ? uri.getPort() : 80;
        bootstrap.connect(uri.getHost(), port).addListener(f -> {
            if (!f.isSuccess()) {
                opened.completeExceptionally(f.cause());
                return;
            }
            Channel ch = ((io.netty.channel.ChannelFuture) f).channel();
            BenchConnection connection = new BenchConnection(ch, handler);
            handler.handshake.thenRun(() -> {
                Message challenge = Message.of(ConnectionAction.CHALLENGE).url(uri.toString()).protocolVersion("0.1a")
                        .sdkVersion("bench").sdkType("java");
                if (multiMessageFrames) {
                    challenge.data("{\"eddy\":{\"multiMessageFrames\":true}}");
                }
                connection.await(m -> m.is(ConnectionAction.ACCEPT)).thenCompose(accept -> {
                    handler.multi = accept.data() != null && accept.data().contains("multiMessageFrames");
                    CompletableFuture<Message> loggedIn = connection.await(m -> m.is(AuthAction.AUTH_SUCCESSFUL));
                    connection.sendAndFlush(MessageCodec.encode(Message.of(AuthAction.REQUEST)
                            .data("{\"username\":\"" + user + "\"}")));
                    return loggedIn;
                }).whenComplete((ok, failure) -> {
                    if (failure != null) {
                        opened.completeExceptionally(failure);
                    } else {
                        opened.complete(connection);
                    }
                });
                connection.sendAndFlush(MessageCodec.encode(challenge));
            }).exceptionally(t -> {
                opened.completeExceptionally(t);
                return null;
            });
        });
        return opened;
    }

    /** The next decoded message that matches, for set-up steps (subscribe acks, read responses). */
    CompletableFuture<Message> await(Predicate<Message> condition) {
        CompletableFuture<Message> result = new CompletableFuture<>();
        channel.eventLoop().execute(() -> handler.expect(condition, result));
        return result;
    }

    /** From now on frames are only counted, not decoded. */
    void count(FrameCounter counter) {
        channel.eventLoop().execute(() -> handler.counter = counter);
    }

    boolean multiMessageFrames() {
        return handler.multi;
    }

    void send(byte[] frame) {
        channel.write(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(frame)), channel.voidPromise());
    }

    void flush() {
        channel.flush();
    }

    void sendAndFlush(byte[] frame) {
        channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(frame)), channel.voidPromise());
    }

    Channel channel() {
        return channel;
    }

    void close() {
        channel.close();
    }

    /** Counts the delimited messages in a frame without decoding them (multi-message frames). */
    static int messagesIn(ByteBuf frame) {
        int count = 0;
        int index = frame.readerIndex();
        int end = frame.writerIndex();
        while (index < end) {
            long length = 0;
            int shift = 0;
            byte b;
            do {
                b = frame.getByte(index++);
                length |= (long) (b & 0x7F) << shift;
                shift += 7;
            } while (b < 0);
            index += (int) length;
            count++;
        }
        return count;
    }

    private static final class Handler extends SimpleChannelInboundHandler<WebSocketFrame> {
        final CompletableFuture<Void> handshake = new CompletableFuture<>();
        volatile boolean multi;
        FrameCounter counter;
        private Predicate<Message> expected;
        private CompletableFuture<Message> expectation;

        Handler() {
            super(false);
        }

        void expect(Predicate<Message> condition, CompletableFuture<Message> result) {
            expected = condition;
            expectation = result;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                handshake.complete(null);
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            try {
                if (!(frame instanceof BinaryWebSocketFrame)) {
                    return;
                }
                ByteBuf content = frame.content();
                if (counter != null && expectation == null) {
                    counter.frame(content);
                    return;
                }
                byte[] bytes = ByteBufUtil.getBytes(content);
                try {
                    for (Message m : MessageCodec.decodeAll(bytes, 0, bytes.length)) {
                        if (expectation != null && expected.test(m)) {
                            CompletableFuture<Message> done = expectation;
                            expectation = null;
                            done.complete(m);
                        }
                    }
                } catch (MalformedMessageException e) {
                    if (expectation != null) {
                        expectation.completeExceptionally(e);
                    }
                }
            } finally {
                frame.release();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            handshake.completeExceptionally(cause);
            if (expectation != null) {
                expectation.completeExceptionally(cause);
            }
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            handshake.completeExceptionally(new IllegalStateException("connection closed"));
            if (expectation != null) {
                expectation.completeExceptionally(new IllegalStateException("connection closed"));
            }
            super.channelInactive(ctx);
        }
    }
}
