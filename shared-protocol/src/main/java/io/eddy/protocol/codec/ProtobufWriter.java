package io.eddy.protocol.codec;

import java.util.Arrays;

/** A growable byte buffer with the protobuf primitives the deepstream schema needs. Not thread-safe. */
final class ProtobufWriter {

    private byte[] buf;
    private int pos;

    ProtobufWriter(int initialCapacity) {
        buf = new byte[initialCapacity];
    }

    int position() {
        return pos;
    }

    void reset() {
        pos = 0;
    }

    byte[] buffer() {
        return buf;
    }

    void key(int tag, int wireType) {
        varint(ProtobufWire.key(tag, wireType));
    }

    void varint(long value) {
        ensure(ProtobufWire.varintSize(value));
        while ((value & ~0x7FL) != 0) {
            buf[pos++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        buf[pos++] = (byte) value;
    }

    /** Negative int32 values are sign-extended to 64 bits, as every protobuf encoder does (ten bytes). */
    void int32(int value) {
        varint(value);
    }

    void bool(boolean value) {
        ensure(1);
        buf[pos++] = (byte) (value ? 1 : 0);
    }

    void string(String s) {
        int len = utf8Length(s);
        varint(len);
        ensure(len);
        if (len == s.length()) {
            for (int i = 0; i < len; i++) {
                buf[pos++] = (byte) s.charAt(i);
            }
        } else {
            encodeUtf8(s);
        }
    }

    void bytes(byte[] src, int off, int len) {
        ensure(len);
        System.arraycopy(src, off, buf, pos, len);
        pos += len;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, pos);
    }

    private void ensure(int extra) {
        if (pos + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + extra));
        }
    }

    static int utf8Length(String s) {
        int n = s.length();
        int len = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    len += 1;
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    len += 2; // four bytes for the pair, which counted as two chars
                    i++;
                } else if (Character.isSurrogate(c)) {
                    // an unpaired surrogate is written as '?', as String.getBytes(UTF_8) does
                } else {
                    len += 2;
                }
            }
        }
        return len;
    }

    private void encodeUtf8(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                buf[pos++] = (byte) c;
            } else if (c < 0x800) {
                buf[pos++] = (byte) (0xC0 | (c >> 6));
                buf[pos++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                buf[pos++] = (byte) (0xF0 | (cp >> 18));
                buf[pos++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                buf[pos++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                buf[pos++] = (byte) (0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                buf[pos++] = '?';
            } else {
                buf[pos++] = (byte) (0xE0 | (c >> 12));
                buf[pos++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                buf[pos++] = (byte) (0x80 | (c & 0x3F));
            }
        }
    }
}
