package io.eddy.server.metrics;

import java.util.concurrent.atomic.LongAdder;

/** Counters of one node, cheap enough to bump on the hot path; monitoring reads them. */
public final class NodeMetrics {

    public final LongAdder connectionsOpened = new LongAdder();
    public final LongAdder connectionsClosed = new LongAdder();
    public final LongAdder messagesReceived = new LongAdder();
    /** Messages queued for clients; a fan-out to N subscribers counts N. */
    public final LongAdder messagesSent = new LongAdder();
    public final LongAdder badInputs = new LongAdder();
    public final LongAdder slowConsumerDisconnects = new LongAdder();

    public long openConnections() {
        return connectionsOpened.sum() - connectionsClosed.sum();
    }
}
