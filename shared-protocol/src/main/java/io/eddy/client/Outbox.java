package io.eddy.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.SingleThreadEventLoop;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;

import java.util.ArrayList;

/**
 * The outgoing side of one socket. Messages are collected during an event-loop turn and written with one flush at
 * its end, so a burst costs one write syscall instead of one per message; when multi-message frames were
 * negotiated, the collected messages also share WebSocket frames. Confined to the channel's event loop.
 */
final class Outbox implements Runnable {

    private final Channel channel;
    private final EventLoop loop;
    private final ArrayList<byte[]> pending = new ArrayList<>();
    private boolean flushScheduled;
    private boolean packing;

    Outbox(Channel channel) {
        this.channel = channel;
        this.loop = channel.eventLoop();
    }

    /** From now on several messages may share a frame; only after the server granted it in ACCEPT. */
    void enablePacking() {
        packing = true;
    }

    /** Queues one delimited message; it is written at the end of the current event-loop turn. */
    void add(byte[] message) {
        pending.add(message);
        if (!flushScheduled) {
            flushScheduled = true;
            if (loop instanceof SingleThreadEventLoop singleThread) {
                // runs after the I/O and tasks of this turn: everything queued meanwhile goes out in one flush
                singleThread.executeAfterEventLoopIteration(this);
            } else {
                loop.execute(this);
            }
        }
    }

    @Override
    public void run() {
        flushScheduled = false;
        if (pending.isEmpty()) {
            return;
        }
        if (!channel.isActive()) {
            pending.clear();
            return;
        }
        if (packing && pending.size() > 1) {
            writePacked();
        } else {
            for (byte[] message : pending) {
                channel.write(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(message)), channel.voidPromise());
            }
        }
        pending.clear();
        channel.flush();
    }

    private void writePacked() {
        int count = pending.size();
        int i = 0;
        while (i < count) {
            int size = pending.get(i).length;
            int end = i + 1;
            while (end < count && size + pending.get(end).length <= ClientOptions.PACK_LIMIT) {
                size += pending.get(end++).length;
            }
            ByteBuf frame = channel.alloc().buffer(size);
            for (int j = i; j < end; j++) {
                frame.writeBytes(pending.get(j));
            }
            channel.write(new BinaryWebSocketFrame(frame), channel.voidPromise());
            i = end;
        }
    }
}
