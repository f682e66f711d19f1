package io.eddy.server.record;

import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tells the operator about a storage outage once when it begins and once when it ends. While storage is unreachable
 * every pending write is retried each second and every load fails; a line for each would bury the log and cost more
 * than the outage itself.
 */
final class StorageOutageLog {

    private static final Logger LOG = Logger.getLogger(StorageOutageLog.class);

    private final String store;
    private final Duration retryInterval;
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicLong failures = new AtomicLong();
    private volatile long downSinceNanos;

    StorageOutageLog(String store, Duration retryInterval) {
        this.store = store;
        this.retryInterval = retryInterval;
    }

    void failed(String operation, Throwable cause) {
        failures.incrementAndGet();
        if (down.compareAndSet(false, true)) {
            downSinceNanos = System.nanoTime();
            LOG.warnf("record storage %s is failing (%s: %s); unstored writes stay in memory and are retried every %s,"
                    + " loads fail; further failures are counted, not logged, until it recovers",
                    store, operation, cause.toString(), retryInterval);
        } else {
            LOG.debugf("%s failed: %s", operation, cause);
        }
    }

    /** Cheap enough for every storage operation: one volatile read while storage works. */
    void worked() {
        if (down.get() && down.compareAndSet(true, false)) {
            long millis = (System.nanoTime() - downSinceNanos) / 1_000_000;
            LOG.infof("record storage %s works again, after %d failed operations in %d ms",
                    store, failures.getAndSet(0), millis);
        }
    }
}
