package io.eddy.server.transport;

import io.netty.channel.EventLoop;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Drains the connections of one event loop that have frames queued. A fan-out marks each target connection once
 * and wakes each event loop once; the loop then writes every queued frame of a connection and flushes it once.
 * An idle connection therefore gets its frame at once, and a busy one gets many frames per write syscall.
 */
final class FlushScheduler implements Runnable {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(FlushScheduler.class);

    private final EventLoop loop;
    private final ConcurrentLinkedQueue<NettyTransport> dirty = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    FlushScheduler(EventLoop loop) {
        this.loop = loop;
    }

    void schedule(NettyTransport transport) {
        dirty.offer(transport);
        if (scheduled.compareAndSet(false, true)) {
            loop.execute(this);
        }
    }

    @Override
    public void run() {
        // cleared first: a connection marked while we drain schedules another run instead of being missed
        scheduled.set(false);
        NettyTransport transport;
        while ((transport = dirty.poll()) != null) {
            try {
                transport.drain();
            } catch (RuntimeException e) {
                // one broken connection must not strand the others queued behind it
                LOG.errorf(e, "writing to %s failed", transport.remoteAddress());
            }
        }
    }
}
