package io.eddy.server.transport;

import io.eddy.server.metrics.NodeMetrics;
import io.netty.channel.EventLoop;
import io.netty.channel.SingleThreadEventLoop;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes for the connections of one event loop. Frames are copied into each connection's outgoing buffer as they
 * come, and every buffer that received something goes to its socket once: right after the event loop's current turn
 * when nothing else is on its way, or — while fan-out deliveries for this loop are still queued — after those, so
 * that a burst of publications leaves in a few large writes instead of one write per message and connection. Idle,
 * a connection gets its frame at once; under load it gets many per write syscall.
 * <p>
 * A fan-out hands this loop one task for all of its subscribers ({@link NettyTransport#sendToAll}), not one per
 * connection.
 */
final class LoopWriter {

    private static final Logger LOG = Logger.getLogger(LoopWriter.class);
    private static final int MAX_DEFERRALS = 32;

    private final SingleThreadEventLoop loop;
    private final int index;
    private final NodeMetrics metrics;
    // loop-confined
    private List<NettyTransport> dirty = new ArrayList<>();
    private List<NettyTransport> flushing = new ArrayList<>();
    private boolean flushScheduled;
    private long messages;
    private final Runnable flushAll = this::flushAll;
    /** Fan-out deliveries handed to this loop and not yet run. */
    final AtomicInteger queuedDeliveries = new AtomicInteger();
    private int deferrals;
    /** The fan-out batch later publications to the same subscribers may still join. */
    private SharedBatch open;
    private long batches;

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

    /**
     * On the loop: one message to all of {@code targets[from..to)} but {@code except}, through a shared batch; false
     * when the targets are not all this loop's (the caller then delivers one by one).
     */
    boolean share(byte[] frame, io.eddy.server.session.Transport[] targets, int from, int to, NettyTransport except) {
        SharedBatch batch = open;
        if (batch == null || !batch.accepts(targets, from, to, except)) {
            if (batch != null) {
                batch.seal();
            }
            batch = SharedBatch.open(this, batches++, targets, from, to, except);
            open = batch;
            if (batch == null) {
                return false;
            }
        }
        batch.append(frame);
        return true;
    }

    /** Seals the open batch if it is number {@code number}. */
    void sealIfOpen(long number) {
        SharedBatch batch = open;
        if (batch != null && batch.number == number) {
            batch.seal();
            open = null;
        }
    }

    /** Counts delivered messages for the metrics, added up once per flush. */
    void delivered(int count) {
        messages += count;
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
        if (open != null) {
            open.seal();
            open = null;
        }
        // swapped first: a write can call back into this loop (Netty's writability events) and mark more
        // connections, which then go into the fresh list and get a flush of their own
        List<NettyTransport> batch = dirty;
        dirty = flushing;
        flushing = batch;
        for (NettyTransport transport : batch) {
            transport.dirty = false;
            try {
                transport.flushOut();
            } catch (RuntimeException e) {
                LOG.errorf(e, "flushing to %s failed", transport.remoteAddress());
            }
        }
        batch.clear();
        metrics.messagesSent.add(messages);
        messages = 0;
    }
}
