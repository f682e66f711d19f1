package io.eddy.server.session;

/**
 * A token bucket of one connection: {@code perSecond} messages per second on average, bursts up to one second's
 * worth. Confined to the connection's thread.
 */
final class RateLimit {

    private final double perNano;
    private final double capacity;
    private double tokens;
    private long last = System.nanoTime();

    RateLimit(int perSecond) {
        this.perNano = perSecond / 1e9;
        this.capacity = perSecond;
        this.tokens = perSecond;
    }

    /** Takes {@code count} messages from the bucket; false when the connection sends faster than allowed. */
    boolean take(int count) {
        long now = System.nanoTime();
        tokens = Math.min(capacity, tokens + (now - last) * perNano);
        last = now;
        tokens -= count;
        return tokens >= 0;
    }
}
