package io.eddy.server.transport;

import io.eddy.server.metrics.NodeMetrics;
import io.eddy.server.session.CloseReason;
import io.eddy.server.session.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.VoidChannelPromise;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.vertx.core.http.ServerWebSocket;
import org.jboss.logging.Logger;

/**
 * Writes frames straight to the connection's Netty channel, bypassing the per-message flush of the WebSocket API:
 * frames are queued here, and the connection's event loop writes the whole queue and flushes once (see
 * {@link FlushScheduler}). With multi-message frames negotiated, the queued messages are also packed into as few
 * WebSocket frames as possible.
 * <p>
 * The queue is bounded by bytes, counting what Netty still holds for the socket too: a client that stops reading
 * is disconnected instead of growing the server's memory.
 */
final class NettyTransport implements Transport {

    private static final Logger LOG = Logger.getLogger(NettyTransport.class);
    /** Upper size of one packed multi-message frame; single messages may be larger. */
    private static final int PACK_LIMIT = 64 * 1024;

    private final ServerWebSocket webSocket;
    private final ChannelHandlerContext vertxContext;
    private final Channel channel;
    /** Shared by all writes: no promise per frame, and a write that fails on a closing socket is not reported. */
    private final ChannelPromise writePromise;
    private final FlushScheduler flusher;
    private final long maxPendingBytes;
    private final NodeMetrics metrics;

    private final Object lock = new Object();
    // guarded by lock
    private byte[][] queue = new byte[16][];
    private int queued;
    private long queuedBytes;
    private boolean scheduled;
    private CloseReason closeReason;
    // only touched by the event loop
    private byte[][] spare = new byte[16][];
    private boolean closed;
    private boolean multiMessageFrames;
    /** Frames at the head of the queue that were queued before multi-message frames were granted. */
    private int singleFrames;

    NettyTransport(ServerWebSocket webSocket, ChannelHandlerContext vertxContext, FlushScheduler flusher,
                   long maxPendingBytes, NodeMetrics metrics) {
        this.webSocket = webSocket;
        this.vertxContext = vertxContext;
        this.channel = vertxContext.channel();
        this.writePromise = new VoidChannelPromise(channel, false);
        this.flusher = flusher;
        this.maxPendingBytes = maxPendingBytes;
        this.metrics = metrics;
    }

    @Override
    public void send(byte[] frame) {
        boolean wake;
        synchronized (lock) {
            if (closeReason != null) {
                return;
            }
            if (queuedBytes + frame.length + unflushedBytes() > maxPendingBytes) {
                // drop what is queued: the client is too far behind for it to matter, and memory must come back
                closeReason = CloseReason.SLOW_CONSUMER;
                java.util.Arrays.fill(queue, 0, queued, null);
                queued = 0;
                queuedBytes = 0;
            } else {
                if (queued == queue.length) {
                    queue = java.util.Arrays.copyOf(queue, queued * 2);
                }
                queue[queued++] = frame;
                queuedBytes += frame.length;
            }
            wake = !scheduled;
            scheduled = true;
        }
        if (wake) {
            flusher.schedule(this);
        }
    }

    @Override
    public void close(CloseReason reason) {
        boolean wake;
        synchronized (lock) {
            if (closeReason != null) {
                return;
            }
            closeReason = reason;
            wake = !scheduled;
            scheduled = true;
        }
        if (wake) {
            flusher.schedule(this);
        }
    }

    @Override
    public void execute(Runnable task) {
        channel.eventLoop().execute(task);
    }

    @Override
    public void enableMultiMessageFrames() {
        synchronized (lock) {
            // what is queued already (ACCEPT itself, and replies before it) goes out the standard way: the client
            // reads one message per frame until it has seen the grant
            multiMessageFrames = true;
            singleFrames = queued;
        }
    }

    @Override
    public String remoteAddress() {
        return String.valueOf(webSocket.remoteAddress());
    }

    /** Runs on the channel's event loop. */
    void drain() {
        byte[][] batch;
        int count;
        int singles;
        CloseReason close;
        synchronized (lock) {
            batch = queue;
            count = queued;
            singles = multiMessageFrames ? singleFrames : count;
            singleFrames = 0;
            queue = spare;
            queued = 0;
            queuedBytes = 0;
            scheduled = false;
            close = closeReason;
        }
        spare = batch;
        if (!closed && !channel.isActive()) {
            closed = true; // the client went away; the close callback cleans up the session
        }
        if (closed) {
            java.util.Arrays.fill(batch, 0, count, null);
            return;
        }
        if (count > 0) {
            for (int i = 0; i < singles; i++) {
                channel.write(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(batch[i])), writePromise);
            }
            if (singles < count) {
                writePacked(batch, singles, count);
            }
            java.util.Arrays.fill(batch, 0, count, null);
            channel.flush();
            metrics.messagesSent.add(count);
        }
        if (close != null) {
            closed = true;
            if (close == CloseReason.SLOW_CONSUMER) {
                metrics.slowConsumerDisconnects.increment();
                LOG.warnf("disconnecting slow client at %s: more than %d bytes waiting", remoteAddress(), maxPendingBytes);
                // a close frame would queue behind the data the client is not reading, and the closing handshake
                // would hold that memory until it timed out: drop the connection at once instead
                // (closing from Vert.x's handler context skips Vert.x's own graceful close, which would wait too)
                vertxContext.close();
            } else {
                webSocket.close((short) close.code(), close.text());
            }
        }
    }

    private void writePacked(byte[][] batch, int from, int count) {
        int i = from;
        while (i < count) {
            int size = batch[i].length;
            int end = i + 1;
            while (end < count && size + batch[end].length <= PACK_LIMIT) {
                size += batch[end++].length;
            }
            ByteBuf packed = channel.alloc().buffer(size);
            for (int j = i; j < end; j++) {
                packed.writeBytes(batch[j]);
            }
            channel.write(new BinaryWebSocketFrame(packed), writePromise);
            i = end;
        }
    }

    /** What Netty holds for the socket but has not written yet; read without the event loop, so approximate. */
    private long unflushedBytes() {
        ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }
}
