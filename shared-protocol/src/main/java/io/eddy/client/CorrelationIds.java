package io.eddy.client;

import java.util.concurrent.ThreadLocalRandom;

/** Correlation ids of the kind the JavaScript client makes for RPC requests and NOTIFY (protocol reference §5). */
final class CorrelationIds {

    /** deepstream's {@code getUid} draws its random part below 10^16; the same range keeps ids alike. */
    private static final long RANDOM_BOUND = 10_000_000_000_000_000L;

    private CorrelationIds() {
    }

    /** {@code <milliseconds since the epoch, base 36>-<random, base 36>}, e.g. {@code mx02m9bw-m0sk6fdv199}. */
    static String unique() {
        return Long.toString(System.currentTimeMillis(), 36) + "-"
                + Long.toString(ThreadLocalRandom.current().nextLong(RANDOM_BOUND), 36);
    }
}
