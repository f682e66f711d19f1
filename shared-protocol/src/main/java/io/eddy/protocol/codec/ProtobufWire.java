package io.eddy.protocol.codec;

/** Protobuf wire types used by the deepstream schema. */
final class ProtobufWire {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    private ProtobufWire() {
    }

    static int key(int tag, int wireType) {
        return (tag << 3) | wireType;
    }

    static int varintSize(long value) {
        int size = 1;
        while ((value & ~0x7FL) != 0) {
            value >>>= 7;
            size++;
        }
        return size;
    }

    /** Size of an int32 as protobuf writes it: negative values are sign-extended to ten bytes. */
    static int int32Size(int value) {
        return value < 0 ? 10 : varintSize(value);
    }
}
