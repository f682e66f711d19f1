package io.eddy.server.transport;

import io.eddy.server.metrics.NodeMetrics;
import io.eddy.server.session.CloseReason;
import io.eddy.server.session.Session;
import io.eddy.server.session.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.VoidChannelPromise;
import io.vertx.core.http.ServerWebSocket;
import org.jboss.logging.Logger;

import java.util.Arrays;

/**
 * One connection's write path, straight to its Netty channel rather than through the WebSocket API, which flushes
 * every message. Outgoing messages are framed (a 2–10 byte WebSocket header; server frames are never masked) and
 * copied into the connection's buffer on its event loop; {@link LoopWriter} writes each buffer once per event-loop
 * turn. With Eddy's multi-message frames granted, consecutive messages share one WebSocket frame of up to 64 KiB.
 * <p>
 * Messages from the connection's own event loop are framed at once; messages from other threads wait in a small
 * locked queue that the loop drains before anything newer, so one connection's messages always leave in the order
 * they were sent. The bytes waiting for a client — in the queue, in the buffer and in Netty — are bounded: a client
 * that does not read is dropped.
 */
final class NettyTransport implements Transport {

    private static final Logger LOG = Logger.getLogger(NettyTransport.class);
    /**
     * Netty's pooled allocator rather than the channel's: Vert.x gives channels an allocator whose direct buffers are
     * not pooled, and a buffer per connection per event-loop turn would then cost a malloc and a cleaner each.
     */
    private static final ByteBufAllocator ALLOCATOR = PooledByteBufAllocator.DEFAULT;
    /** Upper size of one packed multi-message frame; a single larger message gets a frame of its own. */
    private static final int PACK_LIMIT = 64 * 1024;

    private final ServerWebSocket webSocket;
    private final ChannelHandlerContext vertxContext;
    private final Channel channel;
    private final EventLoop loop;
    private final LoopWriter writer;
    private final int affinity;
    private final long maxPendingBytes;
    private final NodeMetrics metrics;
    /** Shared by all writes: no promise per write, and a failure on a closing socket is not reported. */
    private final ChannelPromise writePromise;

    // handed over by other threads, guarded by lock
    private final Object lock = new Object();
    private byte[][] queue = new byte[8][];
    private int queued;
    private long queuedBytes;
    private boolean drainRequested;
    private CloseReason closeReason;
    /** Lets the loop skip the lock when nothing is queued, the common case. */
    private volatile boolean hasQueued;

    // confined to the event loop
    private byte[][] spare = new byte[8][];
    private ByteBuf out;
    private ByteBuf pack;
    private boolean multiMessageFrames;
    private boolean closed;
    boolean dirty;

    NettyTransport(ServerWebSocket webSocket, ChannelHandlerContext vertxContext, LoopWriter writer, int affinity,
                   long maxPendingBytes, NodeMetrics metrics) {
        this.webSocket = webSocket;
        this.vertxContext = vertxContext;
        this.channel = vertxContext.channel();
        this.loop = channel.eventLoop();
        this.writer = writer;
        this.affinity = affinity;
        this.maxPendingBytes = maxPendingBytes;
        this.metrics = metrics;
        this.writePromise = new VoidChannelPromise(channel, false);
    }

    @Override
    public void send(byte[] frame) {
        if (loop.inEventLoop() && !hasQueued) {
            append(frame);
            return;
        }
        boolean wake;
        synchronized (lock) {
            if (closeReason != null) {
                return;
            }
            if (queuedBytes + frame.length > maxPendingBytes) {
                // drop what is queued: the client is too far behind for it to matter, and memory must come back
                closeReason = CloseReason.SLOW_CONSUMER;
                Arrays.fill(queue, 0, queued, null);
                queued = 0;
                queuedBytes = 0;
            } else {
                if (queued == queue.length) {
                    queue = Arrays.copyOf(queue, queued * 2);
                }
                queue[queued++] = frame;
                queuedBytes += frame.length;
            }
            hasQueued = true;
            wake = !drainRequested;
            drainRequested = true;
        }
        if (wake) {
            writer.requestDrain(this);
        }
    }

    @Override
    public void sendToAll(byte[] frame, Session[] sessions, int from, int to, Session except) {
        writer.queuedDeliveries.incrementAndGet();
        loop.execute(() -> {
            writer.queuedDeliveries.decrementAndGet();
            for (int i = from; i < to; i++) {
                Session s = sessions[i];
                if (s != except) {
                    ((NettyTransport) s.transport()).deliver(frame);
                }
            }
        });
    }

    @Override
    public int affinity() {
        return affinity;
    }

    @Override
    public void close(CloseReason reason) {
        boolean wake;
        synchronized (lock) {
            if (closeReason != null) {
                return;
            }
            closeReason = reason;
            hasQueued = true;
            wake = !drainRequested;
            drainRequested = true;
        }
        if (wake) {
            writer.requestDrain(this);
        }
    }

    @Override
    public void execute(Runnable task) {
        loop.execute(task);
    }

    /** On the loop: what was queued before (ACCEPT among it) still leaves one message per frame. */
    @Override
    public void enableMultiMessageFrames() {
        if (hasQueued) {
            drainQueue();
        }
        multiMessageFrames = true;
    }

    @Override
    public String remoteAddress() {
        return String.valueOf(webSocket.remoteAddress());
    }

    /** On the loop: one frame of a fan-out, after anything queued for this connection earlier. */
    private void deliver(byte[] frame) {
        if (hasQueued) {
            drainQueue();
        }
        append(frame);
    }

    /** On the loop: moves queued frames into the buffer, then carries out a requested close. */
    void drainQueue() {
        byte[][] batch;
        int count;
        CloseReason close;
        synchronized (lock) {
            batch = queue;
            count = queued;
            queue = spare;
            queued = 0;
            queuedBytes = 0;
            drainRequested = false;
            hasQueued = false;
            close = closeReason;
        }
        spare = batch;
        for (int i = 0; i < count; i++) {
            append(batch[i]);
        }
        Arrays.fill(batch, 0, count, null);
        if (close != null && !closed) {
            flushOut();
            shutDown(close);
        }
    }

    /** On the loop: frames one message into the outgoing buffer. */
    private void append(byte[] message) {
        if (closed) {
            return;
        }
        if (!channel.isActive()) {
            closed = true; // the client went away; the close callback cleans up the session
            release();
            return;
        }
        int length = message.length;
        if (buffered() + unflushedBytes() + length > maxPendingBytes) {
            shutDown(CloseReason.SLOW_CONSUMER);
            return;
        }
        if (multiMessageFrames) {
            if (pack == null) {
                pack = ALLOCATOR.directBuffer(Math.min(PACK_LIMIT, Math.max(256, length)));
            } else if (pack.readableBytes() + length > PACK_LIMIT) {
                closePackedFrame();
            }
            pack.writeBytes(message);
        } else {
            ByteBuf buffer = out();
            writeHeader(buffer, length);
            buffer.writeBytes(message);
        }
        writer.dirty(this, 1);
    }

    /** On the loop, once per event-loop turn: hands the buffer to the socket. */
    void flushOut() {
        if (closed) {
            return;
        }
        if (pack != null && pack.isReadable()) {
            closePackedFrame();
        }
        if (out != null && out.isReadable()) {
            ByteBuf buffer = out;
            out = null;
            vertxContext.write(buffer, writePromise);
            vertxContext.flush();
        }
    }

    private void closePackedFrame() {
        ByteBuf buffer = out();
        writeHeader(buffer, pack.readableBytes());
        buffer.writeBytes(pack);
        pack.clear();
    }

    private ByteBuf out() {
        if (out == null) {
            out = ALLOCATOR.directBuffer(1024);
        }
        return out;
    }

    private static void writeHeader(ByteBuf buffer, int length) {
        buffer.writeByte(0x82); // FIN, binary
        if (length < 126) {
            buffer.writeByte(length);
        } else if (length < 65536) {
            buffer.writeByte(126);
            buffer.writeShort(length);
        } else {
            buffer.writeByte(127);
            buffer.writeLong(length);
        }
    }

    private long buffered() {
        return (out == null ? 0 : out.readableBytes()) + (pack == null ? 0 : pack.readableBytes());
    }

    /** What Netty holds for the socket but could not write yet; read on the loop, so exact. */
    private long unflushedBytes() {
        ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }

    private void shutDown(CloseReason reason) {
        closed = true;
        release();
        if (reason == CloseReason.SLOW_CONSUMER) {
            metrics.slowConsumerDisconnects.increment();
            LOG.warnf("disconnecting slow client at %s: more than %d bytes waiting", remoteAddress(), maxPendingBytes);
            // a close frame would queue behind the data the client is not reading, and the closing handshake would
            // hold that memory until it timed out: drop the connection at once instead (closing from Vert.x's
            // handler context skips Vert.x's own graceful close, which would wait too)
            vertxContext.close();
        } else if (channel.isActive()) {
            webSocket.close((short) reason.code(), reason.text());
        }
    }

    private void release() {
        if (out != null) {
            out.release();
            out = null;
        }
        if (pack != null) {
            pack.release();
            pack = null;
        }
    }
}
