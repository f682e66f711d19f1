package io.eddy.server.transport;

import io.eddy.server.metrics.NodeMetrics;
import io.netty.channel.EventLoop;
import io.netty.channel.SingleThreadEventLoop;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes for the connections of one event loop. Frames are copied into each connection's outgoing buffer as they
 * come, and every buffer that received something goes to its socket once: right after the event loop's current turn
 * when nothing else is on its way, or — while fan-out deliveries for this loop are still queued — after those, so
 * that a burst of publications leaves in a few large writes instead of one write per message and connection. Idle,
 * a connection gets its frame at once; under load it gets many per write syscall.
 * <p>
 * Other threads hand work over with one task per event loop, not one per connection: {@link #requestDrain} for a
 * connection's queued point-to-point frames, {@link NettyTransport#sendToAll} for a fan-out to all subscribers of
 * this loop.
 */
final class LoopWriter {

    private static final Logger LOG = Logger.getLogger(LoopWriter.class);
    private static final int MAX_DEFERRALS = 32;

    private final SingleThreadEventLoop loop;
    private final int index;
    private final NodeMetrics metrics;
    // loop-confined
    private final List<NettyTransport> dirty = new ArrayList<>();
    private boolean flushScheduled;
    private long messages;
    private final Runnable flushAll = this::flushAll;
    // handed over by other threads
    private final ConcurrentLinkedQueue<NettyTransport> drains = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drainAll = this::drainAll;
    /** Fan-out deliveries handed to this loop and not yet run. */
    final AtomicInteger queuedDeliveries = new AtomicInteger();
    private int deferrals;

    LoopWriter(EventLoop loop, int index, NodeMetrics metrics) {
        this.loop = (SingleThreadEventLoop) loop;
        this.index = index;
        this.metrics = metrics;
    }

    /** A number unique among the loops of the endpoint: the affinity of its connections. */
    int index() {
        return index;
    }

    /** Called on the loop after a connection's buffer received a message. */
    void dirty(NettyTransport transport) {
        if (!transport.dirty) {
            transport.dirty = true;
            dirty.add(transport);
        }
        if (!flushScheduled) {
            flushScheduled = true;
            loop.executeAfterEventLoopIteration(flushAll);
        }
    }

    /** Counts delivered messages for the metrics, added up once per flush. */
    void delivered(int count) {
        messages += count;
    }

    /** Any thread: the connection has queued frames (or a close) for the loop to pick up. */
    void requestDrain(NettyTransport transport) {
        drains.offer(transport);
        if (drainScheduled.compareAndSet(false, true)) {
            loop.execute(drainAll);
        }
    }

    private void drainAll() {
        // cleared first: a connection queued while we drain schedules another run instead of being missed
        drainScheduled.set(false);
        NettyTransport transport;
        while ((transport = drains.poll()) != null) {
            try {
                transport.drainQueue();
            } catch (RuntimeException e) {
                // one broken connection must not strand the others queued behind it
                LOG.errorf(e, "writing to %s failed", transport.remoteAddress());
            }
        }
    }

    private void flushAll() {
        if (queuedDeliveries.get() > 0 && deferrals < MAX_DEFERRALS) {
            // more deliveries are queued behind us: flush once they have been copied too; bounded, so a steady
            // stream of publications cannot hold a flush back for long
            deferrals++;
            loop.execute(flushAll);
            return;
        }
        deferrals = 0;
        flushScheduled = false;
        for (NettyTransport transport : dirty) {
            transport.dirty = false;
            try {
                transport.flushOut();
            } catch (RuntimeException e) {
                LOG.errorf(e, "flushing to %s failed", transport.remoteAddress());
            }
        }
        dirty.clear();
        metrics.messagesSent.add(messages);
        messages = 0;
    }
}
