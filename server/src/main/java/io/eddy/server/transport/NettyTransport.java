package io.eddy.server.transport;

import io.eddy.server.metrics.NodeMetrics;
import io.eddy.server.session.CloseReason;
import io.eddy.server.session.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.VoidChannelPromise;
import io.vertx.core.http.ServerWebSocket;
import org.jboss.logging.Logger;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * One connection's write path, straight to its Netty channel rather than through the WebSocket API, which flushes
 * every message. Outgoing messages are framed (a 2–10 byte WebSocket header; server frames are never masked) and
 * copied into the connection's buffer on its event loop; {@link LoopWriter} writes each buffer once the event loop
 * has no more deliveries queued. With Eddy's multi-message frames granted, consecutive messages share one WebSocket
 * frame of up to 16 KiB.
 * <p>
 * Everything is done on the connection's event loop: a message from another thread travels there as a task of the
 * loop's queue, like a fan-out does, so messages sent from one thread leave in the order they were sent, whichever
 * way they went. The bytes waiting for a client are bounded: a client that does not read is dropped.
 */
final class NettyTransport implements Transport {

    private static final Logger LOG = Logger.getLogger(NettyTransport.class);
    /** Upper size of one packed multi-message frame; a single larger message gets a frame of its own. */
    static final int PACK_LIMIT = 16 * 1024;
    /** Fan-outs to fewer connections of a loop are copied to each: a shared batch costs more than a few copies. */
    private static final int SHARE_MIN = 8;
    /** Largest first size of an outgoing buffer; it is sized from what the previous flush carried. */
    private static final int CHUNK = 64 * 1024;
    /** Bytes per direct buffer handed to the socket: below the 64 KiB chunks Quarkus gives Netty's pool. */
    private static final int DIRECT_SLICE = 32 * 1024;

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

    // confined to the event loop
    /**
     * Framed bytes waiting for the next flush; a plain array keeps a delivery to one object and one copy. Dropped
     * after each flush: young garbage is cheap, while an array kept by each of many idle connections is not.
     */
    private byte[] out;
    private int outLength;
    /** Start of the open packed frame in {@code out} (multi-message frames), or -1. */
    private int packStart = -1;
    private int lastFlush = 256;
    private boolean multiMessageFrames;
    private boolean closed;
    boolean dirty;
    /**
     * What leaves before {@code out}, in order, when shared batches are involved: private bytes already copied to a
     * direct buffer ({@link ByteBuf}, owned) and shared fan-out bytes ({@link SharedBatch.Shared}, one reference).
     */
    private ArrayDeque<Object> queued;
    /**
     * The number of the batch this connection was last attached to; while it is open, later fan-outs may still grow
     * it. A number, not a reference: stored into every subscriber per batch, a reference to a young object would
     * cost the collector a card to refine per subscriber.
     */
    long batchNumber = -1;

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
        if (loop.inEventLoop()) {
            sendHere(frame);
        } else {
            loop.execute(() -> sendHere(frame));
        }
    }

    private void sendHere(byte[] frame) {
        try {
            append(frame);
            writer.delivered(1);
        } catch (SlowConsumer dropped) {
            // closed
        }
    }

    @Override
    public void sendToAll(byte[] frame, Transport[] targets, int from, int to, Transport except) {
        if (loop.inEventLoop()) {
            // at once, like a point message sent from here: queued, it would fall behind later sends of this thread
            deliverToAll(frame, targets, from, to, except);
            return;
        }
        writer.queuedDeliveries.incrementAndGet();
        loop.execute(() -> {
            writer.queuedDeliveries.decrementAndGet();
            deliverToAll(frame, targets, from, to, except);
        });
    }

    private void deliverToAll(byte[] frame, Transport[] targets, int from, int to, Transport except) {
        if (to - from >= SHARE_MIN && writer.share(frame, targets, from, to, (NettyTransport) except)) {
            writer.delivered(to - from);
            return;
        }
        for (int i = from; i < to; i++) {
            Transport t = targets[i];
            if (t != except) {
                NettyTransport target = (NettyTransport) t;
                if (target.loop == loop) {
                    target.deliver(frame);
                } else {
                    // never expected (affinity is the loop), but a buffer touched from two threads loses data
                    target.send(frame);
                }
            }
        }
        writer.delivered(to - from);
    }

    @Override
    public int affinity() {
        return affinity;
    }

    @Override
    public void close(CloseReason reason) {
        if (loop.inEventLoop()) {
            closeHere(reason);
        } else {
            loop.execute(() -> closeHere(reason));
        }
    }

    /** Writes what is buffered, then closes: after every message sent before the close. */
    private void closeHere(CloseReason reason) {
        if (!closed) {
            flushOut();
            shutDown(reason);
        }
    }

    @Override
    public void execute(Runnable task) {
        loop.execute(task);
    }

    /** On the loop: what was sent before (ACCEPT among it) is framed already and leaves one message per frame. */
    @Override
    public void enableMultiMessageFrames() {
        multiMessageFrames = true;
    }

    @Override
    public String remoteAddress() {
        return String.valueOf(webSocket.remoteAddress());
    }

    /** On the loop: one message of a fan-out. */
    private void deliver(byte[] frame) {
        try {
            append(frame);
        } catch (SlowConsumer dropped) {
            // the connection is closed; the rest of the fan-out carries on
        }
    }

    LoopWriter writer() {
        return writer;
    }

    boolean open() {
        return !closed;
    }

    boolean multiMessageFrames() {
        return multiMessageFrames;
    }

    /**
     * On the loop: from now on this connection receives {@code shared}'s bytes, after everything it was sent before.
     * Takes over one reference of the shared buffer.
     */
    void attach(SharedBatch batch, SharedBatch.Shared shared) {
        if (outLength > 0) {
            moveOutToQueue();
        }
        if (queued == null) {
            queued = new ArrayDeque<>(4);
        }
        queued.add(shared);
        this.batchNumber = batch.number;
        writer.dirty(this);
    }

    /** The private bytes so far go into the queue, ahead of a shared batch. */
    private void moveOutToQueue() {
        if (packStart >= 0) {
            closePackedFrame();
        }
        if (queued == null) {
            queued = new ArrayDeque<>(4);
        }
        for (int at = 0; at < outLength; at += DIRECT_SLICE) {
            queued.add(directSlice(at));
        }
        outLength = 0;
    }

    /** On the loop: frames one message into the outgoing buffer. */
    private void append(byte[] message) {
        if (closed) {
            return;
        }
        // this message follows the batch's bytes so far; later fan-outs must come after it, so the batch stops
        writer.sealIfOpen(batchNumber);
        int length = message.length;
        if (multiMessageFrames && length <= PACK_LIMIT) {
            if (packStart >= 0 && outLength - packStart - 4 + length > PACK_LIMIT) {
                closePackedFrame();
            }
            if (packStart < 0) {
                ensure(4 + length);
                packStart = outLength;
                outLength += 4; // room for the frame header, filled in when the frame closes
            } else {
                ensure(length);
            }
        } else {
            if (packStart >= 0) {
                closePackedFrame();
            }
            ensure(10 + length);
            outLength = writeHeader(out, outLength, length);
        }
        System.arraycopy(message, 0, out, outLength, length);
        outLength += length;
        writer.dirty(this);
    }

    /** On the loop, once the deliveries of a turn are through: hands the buffer to the socket. */
    void flushOut() {
        boolean hasQueued = queued != null && !queued.isEmpty();
        if (closed || !hasQueued && (out == null || outLength == 0)) {
            return;
        }
        if (!channel.isActive()) {
            closed = true; // the client went away; the close callback cleans up the session
            release();
            return;
        }
        if (packStart >= 0) {
            closePackedFrame();
        }
        if (hasQueued) {
            writer.sealIfOpen(batchNumber); // its bytes are about to be written: it can no longer grow
            if (outLength + queuedBytes() + unflushedBytes() > maxPendingBytes) {
                shutDown(CloseReason.SLOW_CONSUMER);
                return;
            }
            for (Object item; (item = queued.poll()) != null; ) {
                // a shared buffer leaves as a duplicate: its own indices, the reference this connection held
                ByteBuf bytes = item instanceof SharedBatch.Shared shared ? shared.buffer.duplicate() : (ByteBuf) item;
                vertxContext.write(bytes, writePromise);
            }
            if (outLength == 0) {
                vertxContext.flush();
                return;
            }
        } else if (outLength + unflushedBytes() > maxPendingBytes) {
            shutDown(CloseReason.SLOW_CONSUMER);
            return;
        }
        for (int at = 0; at < outLength; at += DIRECT_SLICE) {
            vertxContext.write(directSlice(at), writePromise);
        }
        vertxContext.flush();
        out = null; // an idle connection holds no buffer; the next one is sized from this flush
        lastFlush = outLength;
        outLength = 0;
    }

    /**
     * The bytes of {@code out} from {@code at}, at most {@link #DIRECT_SLICE} of them, in a pooled direct buffer: the
     * socket needs direct memory anyway, and slices stay under Netty's pooled chunk size.
     */
    private ByteBuf directSlice(int at) {
        int n = Math.min(DIRECT_SLICE, outLength - at);
        ByteBuf direct = PooledByteBufAllocator.DEFAULT.directBuffer(n);
        direct.writeBytes(out, at, n);
        return direct;
    }

    /** Writes the header of the open packed frame into the room reserved for it. */
    private void closePackedFrame() {
        int payload = outLength - packStart - 4;
        if (payload < 126) {
            // minimal length encoding: a two-byte header, so the payload moves down by two
            System.arraycopy(out, packStart + 4, out, packStart + 2, payload);
            outLength -= 2;
        }
        writeHeader(out, packStart, payload);
        packStart = -1;
    }

    /** Makes room for {@code bytes} more; a buffer that would outgrow the pending limit means a client too slow. */
    private void ensure(int bytes) {
        if (out == null) {
            out = new byte[Math.max(bytes, Math.min(lastFlush + lastFlush / 2, CHUNK))];
        } else if (outLength + bytes > out.length) {
            long wanted = Math.max((long) out.length * 2, (long) outLength + bytes);
            if (wanted > maxPendingBytes) {
                shutDown(CloseReason.SLOW_CONSUMER);
                throw new SlowConsumer();
            }
            out = Arrays.copyOf(out, (int) wanted);
        }
    }

    /** Writes a server frame header (FIN, binary, never masked) at {@code at}; returns the position after it. */
    private static int writeHeader(byte[] buffer, int at, int length) {
        buffer[at++] = (byte) 0x82;
        if (length < 126) {
            buffer[at++] = (byte) length;
        } else if (length < 65536) {
            buffer[at++] = 126;
            buffer[at++] = (byte) (length >>> 8);
            buffer[at++] = (byte) length;
        } else {
            buffer[at++] = 127;
            for (int i = 7; i >= 0; i--) {
                buffer[at++] = (byte) ((long) length >>> (8 * i));
            }
        }
        return at;
    }

    private long queuedBytes() {
        long bytes = 0;
        for (Object item : queued) {
            bytes += item instanceof SharedBatch.Shared shared ? shared.buffer.readableBytes()
                    : ((ByteBuf) item).readableBytes();
        }
        return bytes;
    }

    /** What Netty holds for the socket but could not write yet; read on the loop, so exact. */
    private long unflushedBytes() {
        ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }

    /** Ends an append that found the client too slow; caught where the append started. */
    private static final class SlowConsumer extends RuntimeException {
        SlowConsumer() {
            super(null, null, false, false);
        }
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
        out = null;
        outLength = 0;
        packStart = -1;
        if (queued != null) {
            for (Object item; (item = queued.poll()) != null; ) {
                (item instanceof SharedBatch.Shared shared ? shared.buffer : (ByteBuf) item).release();
            }
        }
    }
}
