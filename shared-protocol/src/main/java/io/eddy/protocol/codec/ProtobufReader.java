package io.eddy.protocol.codec;

import java.nio.charset.StandardCharsets;

/** Reads protobuf primitives from a byte range, failing with {@link MalformedMessageException} on bad input. */
final class ProtobufReader {

    private final byte[] buf;
    private int pos;
    private final int limit;

    ProtobufReader(byte[] buf, int offset, int length) {
        this.buf = buf;
        this.pos = offset;
        this.limit = offset + length;
    }

    boolean hasRemaining() {
        return pos < limit;
    }

    int position() {
        return pos;
    }

    long varint() throws MalformedMessageException {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= limit) {
                throw new MalformedMessageException("truncated varint");
            }
            byte b = buf[pos++];
            result |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw new MalformedMessageException("varint longer than ten bytes");
    }

    /** A length prefix, checked against what is left of the range. */
    int length() throws MalformedMessageException {
        long len = varint();
        if (len < 0 || len > limit - pos) {
            throw new MalformedMessageException("length " + len + " exceeds the remaining " + (limit - pos) + " bytes");
        }
        return (int) len;
    }

    String string() throws MalformedMessageException {
        int len = length();
        String s = new String(buf, pos, len, StandardCharsets.UTF_8);
        pos += len;
        return s;
    }

    /** Returns a reader over the next length-delimited field and moves past it. */
    ProtobufReader embedded() throws MalformedMessageException {
        int len = length();
        ProtobufReader r = new ProtobufReader(buf, pos, len);
        pos += len;
        return r;
    }

    void skip(int wireType) throws MalformedMessageException {
        switch (wireType) {
            case ProtobufWire.VARINT -> varint();
            case ProtobufWire.FIXED64 -> advance(8);
            case ProtobufWire.LENGTH_DELIMITED -> advance(length());
            case ProtobufWire.FIXED32 -> advance(4);
            default -> throw new MalformedMessageException("unsupported wire type " + wireType);
        }
    }

    private void advance(int n) throws MalformedMessageException {
        if (n > limit - pos) {
            throw new MalformedMessageException("truncated field");
        }
        pos += n;
    }
}
