package io.eddy.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.SingleThreadEventLoop;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The practical limit: a Netty WebSocket server that does nothing but forward each publisher frame to every
 * subscriber, the way a fast fan-out must — the outgoing frame encoded once, one task per event loop per frame (not
 * one per subscriber), each subscriber's frames gathered in one buffer, and one write and flush per connection once
 * the frames queued for its loop are through. No protocol, no login, no subscriptions by name.
 * {@code java -cp … io.eddy.bench.BareForwarder --port 6030}
 */
public final class BareForwarder {

    /**
     * Subscribers of one event loop; only that loop touches it. Each has an accumulation buffer, kept in the same
     * position of a parallel list: a forwarded frame is copied into it (a few dozen bytes), and the buffer goes to the
     * socket once per event-loop turn.
     */
    private static final class LoopSubscribers {
        final List<Channel> channels = new ArrayList<>();
        final List<ByteBuf> pending = new ArrayList<>();
        final java.util.concurrent.atomic.AtomicInteger queued = new java.util.concurrent.atomic.AtomicInteger();
        boolean flushScheduled;
        int deferrals;

        void add(Channel ch) {
            channels.add(ch);
            pending.add(null);
        }

        void remove(Channel ch) {
            int i = channels.indexOf(ch);
            if (i >= 0) {
                channels.remove(i);
                ByteBuf unsent = pending.remove(i);
                if (unsent != null) {
                    unsent.release();
                }
            }
        }
    }

    private final Map<EventLoop, LoopSubscribers> byLoop = new ConcurrentHashMap<>();

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        new BareForwarder().run(o.integer("port", 6030), o.integer("threads", 0));
    }

    private void run(int port, int threads) throws Exception {
        EventLoopGroup boss = Transport.group(1);
        EventLoopGroup workers = Transport.group(threads);
        try {
            Channel server = new ServerBootstrap().group(boss, workers)
                    .channel(Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 8192)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                    new WebSocketServerProtocolHandler("/", null, false, 1 << 20), new Forwarding());
                        }
                    })
                    .bind("127.0.0.1", port).sync().channel();
            System.out.println("bare forwarder listening on " + port);
            server.closeFuture().sync();
        } finally {
            boss.shutdownGracefully();
            workers.shutdownGracefully();
        }
    }

    private final class Forwarding extends SimpleChannelInboundHandler<BinaryWebSocketFrame> {
        private boolean publisher;
        private boolean registered;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, BinaryWebSocketFrame frame) {
            if (!registered) {
                registered = true;
                publisher = frame.content().readableBytes() == 1 && frame.content().getByte(0) == 'P';
                if (!publisher) {
                    EventLoop loop = ctx.channel().eventLoop();
                    byLoop.computeIfAbsent(loop, l -> new LoopSubscribers()).add(ctx.channel());
                }
                ctx.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {'o', 'k'})));
                return;
            }
            if (!publisher) {
                return;
            }
            ByteBuf content = frame.content();
            int n = content.readableBytes();
            // the outgoing frame, header included, encoded once into a plain array every loop may read
            int header = n < 126 ? 2 : n < 65536 ? 4 : 10;
            byte[] encoded = new byte[header + n];
            encoded[0] = (byte) 0x82;
            if (n < 126) {
                encoded[1] = (byte) n;
            } else if (n < 65536) {
                encoded[1] = 126;
                encoded[2] = (byte) (n >>> 8);
                encoded[3] = (byte) n;
            } else {
                encoded[1] = 127;
                for (int i = 0; i < 8; i++) {
                    encoded[2 + i] = (byte) ((long) n >>> (56 - 8 * i));
                }
            }
            content.getBytes(content.readerIndex(), encoded, header, n);
            for (Map.Entry<EventLoop, LoopSubscribers> e : byLoop.entrySet()) {
                e.getValue().queued.incrementAndGet();
                e.getKey().execute(() -> deliver(e.getKey(), e.getValue(), encoded));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            LoopSubscribers subs = byLoop.get(ctx.channel().eventLoop());
            if (subs != null) {
                subs.remove(ctx.channel());
            }
        }
    }

    private static void deliver(EventLoop loop, LoopSubscribers subs, byte[] frame) {
        subs.queued.decrementAndGet();
        List<Channel> channels = subs.channels;
        List<ByteBuf> pending = subs.pending;
        for (int i = 0; i < channels.size(); i++) {
            ByteBuf out = pending.get(i);
            if (out == null) {
                out = PooledByteBufAllocator.DEFAULT.directBuffer(Math.max(4096, frame.length));
                pending.set(i, out);
            }
            out.writeBytes(frame);
        }
        if (!subs.flushScheduled) {
            subs.flushScheduled = true;
            ((SingleThreadEventLoop) loop).executeAfterEventLoopIteration(() -> flush(loop, subs));
        }
    }

    /** Once the frames queued for this loop are copied (a bounded number of times deferred), one write per socket. */
    private static void flush(EventLoop loop, LoopSubscribers subs) {
        if (subs.queued.get() > 0 && subs.deferrals < 32) {
            subs.deferrals++;
            loop.execute(() -> flush(loop, subs));
            return;
        }
        subs.deferrals = 0;
        subs.flushScheduled = false;
        List<Channel> channels = subs.channels;
        List<ByteBuf> pending = subs.pending;
        for (int i = 0; i < channels.size(); i++) {
            ByteBuf out = pending.get(i);
            if (out != null) {
                pending.set(i, null);
                channels.get(i).writeAndFlush(out, channels.get(i).voidPromise());
            }
        }
    }
}
