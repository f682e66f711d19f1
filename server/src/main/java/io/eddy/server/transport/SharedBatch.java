package io.eddy.server.transport;

import io.eddy.server.session.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * Consecutive fan-outs of one event loop to the same subscribers, framed once. While publications go to an unchanged
 * subscriber set, every subscriber on the loop would receive the very same bytes; instead of copying each message
 * into every connection's buffer, the loop appends it to one shared buffer (one per framing: plain frames, Eddy's
 * packed frames) that every attached connection writes as a duplicate at flush time. A burst of M messages to N
 * subscribers then costs M copies and N writes instead of M × N copies.
 * <p>
 * A batch is open until its loop flushes, until a fan-out to a different range arrives, or until one of its
 * connections gets a message of its own (which must come after the batch's bytes so far, so the batch cannot grow
 * further for that connection). Confined to the loop.
 */
final class SharedBatch {

    /** Bigger batches are sealed: the memory is held until the slowest attached connection has written it. */
    static final int MAX_BYTES = 1024 * 1024;
    private static final int PACK_LIMIT = NettyTransport.PACK_LIMIT;

    /** The bytes of one framing, and the references the connections hold on them. */
    static final class Shared {
        final ByteBuf buffer;
        private final boolean packed;
        /** Start of the open packed frame, or -1. */
        private int packStart = -1;

        private Shared(boolean packed, int holders) {
            this.packed = packed;
            this.buffer = PooledByteBufAllocator.DEFAULT.directBuffer(4096);
            // one reference per attached connection, released when its write completes or it closes, plus the
            // batch's own until it is sealed
            buffer.retain(holders);
        }

        private void append(byte[] message) {
            int length = message.length;
            if (!packed || length > PACK_LIMIT) {
                closePackedFrame();
                writeHeader(length);
                buffer.writeBytes(message);
                return;
            }
            if (packStart >= 0 && buffer.writerIndex() - packStart - 4 + length > PACK_LIMIT) {
                closePackedFrame();
            }
            if (packStart < 0) {
                packStart = buffer.writerIndex();
                buffer.writeZero(4); // the header goes here once the frame's length is known
            }
            buffer.writeBytes(message);
        }

        private void closePackedFrame() {
            if (packStart < 0) {
                return;
            }
            int payload = buffer.writerIndex() - packStart - 4;
            if (payload < 126) {
                // the shortest length encoding is mandatory: a two-byte header, the payload moves down by two
                byte[] small = new byte[payload];
                buffer.getBytes(packStart + 4, small);
                buffer.setBytes(packStart + 2, small);
                buffer.writerIndex(buffer.writerIndex() - 2);
                buffer.setByte(packStart, 0x82);
                buffer.setByte(packStart + 1, payload);
            } else {
                buffer.setByte(packStart, 0x82);
                buffer.setByte(packStart + 1, 126);
                buffer.setShort(packStart + 2, payload);
            }
            packStart = -1;
        }

        private void writeHeader(int length) {
            buffer.writeByte(0x82);
            if (length < 126) {
                buffer.writeByte(length);
            } else if (length < 65536) {
                buffer.writeByte(126);
                buffer.writeShort(length);
            } else {
                buffer.writeByte(127);
                buffer.writeLong(length);
            }
        }
    }

    final long number;
    private final Transport[] targets;
    private final int from;
    private final int to;
    /** The subscriber in the range that does not receive these messages (the publisher), or null. */
    private final NettyTransport excluded;
    final Shared plain;
    final Shared packed;
    boolean sealed;

    private SharedBatch(long number, Transport[] targets, int from, int to, NettyTransport excluded,
                        int plainHolders, int packedHolders) {
        this.number = number;
        this.targets = targets;
        this.from = from;
        this.to = to;
        this.excluded = excluded;
        this.plain = plainHolders == 0 ? null : new Shared(false, plainHolders);
        this.packed = packedHolders == 0 ? null : new Shared(true, packedHolders);
    }

    /**
     * Opens a batch for the open connections of {@code targets[from..to)} but {@code except}, attaching each of
     * them; null when no connection is left to attach, or when one of them is not {@code writer}'s (the caller then
     * delivers one by one).
     */
    static SharedBatch open(LoopWriter writer, long number, Transport[] targets, int from, int to,
                            NettyTransport except) {
        int plainHolders = 0;
        int packedHolders = 0;
        NettyTransport excluded = null;
        for (int i = from; i < to; i++) {
            NettyTransport t = (NettyTransport) targets[i];
            if (t.writer() != writer) {
                return null;
            }
            if (t == except) {
                excluded = t;
            } else if (t.open()) {
                if (t.multiMessageFrames()) {
                    packedHolders++;
                } else {
                    plainHolders++;
                }
            }
        }
        if (plainHolders + packedHolders == 0) {
            return null;
        }
        SharedBatch batch = new SharedBatch(number, targets, from, to, excluded, plainHolders, packedHolders);
        for (int i = from; i < to; i++) {
            NettyTransport t = (NettyTransport) targets[i];
            if (t != except && t.open()) {
                t.attach(batch, t.multiMessageFrames() ? batch.packed : batch.plain);
            }
        }
        return batch;
    }

    /** Whether a fan-out of the next message to these arguments reaches exactly this batch's connections. */
    boolean accepts(Transport[] targets, int from, int to, NettyTransport except) {
        if (sealed || targets != this.targets || from != this.from || to != this.to) {
            return false;
        }
        if (except == excluded) {
            return true;
        }
        // a different publisher: fine as long as it is not one of the receivers (a connection of another loop
        // never is, and only this loop's connections may be asked which batch they are in)
        return excluded == null && (except == null || except.writer() != ((NettyTransport) targets[from]).writer()
                || except.batchNumber != number);
    }

    void append(byte[] message) {
        if (plain != null) {
            plain.append(message);
        }
        if (packed != null) {
            packed.append(message);
        }
        if (Math.max(size(plain), size(packed)) >= MAX_BYTES) {
            seal();
        }
    }

    /** Closes the batch for good: what it holds now is what its connections write. */
    void seal() {
        if (sealed) {
            return;
        }
        sealed = true;
        if (plain != null) {
            plain.buffer.release();
        }
        if (packed != null) {
            packed.closePackedFrame();
            packed.buffer.release();
        }
    }

    private static int size(Shared shared) {
        return shared == null ? 0 : shared.buffer.writerIndex();
    }
}
