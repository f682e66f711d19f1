package io.eddy.server.timer;

import io.netty.util.HashedWheelTimer;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A hashed timer wheel: scheduling and cancelling are O(1) and a pending timeout is one small object, so tens of
 * thousands of auth, listen and RPC timeouts cost no threads. Resolution is one tick (10 ms).
 */
public final class WheelScheduler implements Scheduler {

    private static final Logger LOG = Logger.getLogger(WheelScheduler.class);

    private final HashedWheelTimer wheel;

    public WheelScheduler(String name) {
        wheel = new HashedWheelTimer(new DefaultThreadFactory(name, true), 10, TimeUnit.MILLISECONDS, 1024);
    }

    @Override
    public Timeout schedule(Runnable task, Duration delay) {
        io.netty.util.Timeout t = wheel.newTimeout(ignored -> run(task), delay.toNanos(), TimeUnit.NANOSECONDS);
        return t::cancel;
    }

    @Override
    public Timeout scheduleAtFixedRate(Runnable task, Duration period) {
        Repeating repeating = new Repeating(task, period);
        repeating.next();
        return repeating;
    }

    @Override
    public void close() {
        wheel.stop();
    }

    private static void run(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.error("timer task failed", e);
        }
    }

    private final class Repeating implements Timeout {
        private final Runnable task;
        private final long periodNanos;
        private final AtomicBoolean cancelled = new AtomicBoolean();
        private volatile io.netty.util.Timeout current;

        Repeating(Runnable task, Duration period) {
            this.task = task;
            this.periodNanos = period.toNanos();
        }

        void next() {
            if (!cancelled.get()) {
                current = wheel.newTimeout(ignored -> {
                    run(task);
                    next();
                }, periodNanos, TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public void cancel() {
            cancelled.set(true);
            io.netty.util.Timeout t = current;
            if (t != null) {
                t.cancel();
            }
        }
    }
}
