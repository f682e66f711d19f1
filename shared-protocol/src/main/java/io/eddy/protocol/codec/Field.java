package io.eddy.protocol.codec;

/** The fields a topic message can carry, with the protobuf type each is written as. */
enum Field {
    ACTION(Kind.INT32),
    DATA(Kind.STRING),
    CORRELATION_ID(Kind.STRING),
    IS_ERROR(Kind.BOOL),
    IS_ACK(Kind.BOOL),
    NAME(Kind.STRING),
    NAMES(Kind.REPEATED_STRING),
    SUBSCRIPTION(Kind.STRING),
    PATTERN(Kind.STRING),
    ORIGINAL_TOPIC(Kind.INT32),
    ORIGINAL_ACTION(Kind.INT32),
    IS_WRITE_ACK(Kind.BOOL),
    PATH(Kind.STRING),
    VERSION(Kind.INT32),
    VERSIONS(Kind.STRING_INT_MAP),
    URL(Kind.STRING),
    PROTOCOL_VERSION(Kind.STRING),
    SDK_VERSION(Kind.STRING),
    SDK_TYPE(Kind.STRING),
    REQUESTOR_NAME(Kind.STRING),
    REQUESTOR_DATA(Kind.STRING),
    LEADER_SCORE(Kind.INT32),
    ROLE(Kind.STRING),
    LOCKED(Kind.BOOL);

    enum Kind {
        INT32(ProtobufWire.VARINT),
        BOOL(ProtobufWire.VARINT),
        STRING(ProtobufWire.LENGTH_DELIMITED),
        REPEATED_STRING(ProtobufWire.LENGTH_DELIMITED),
        STRING_INT_MAP(ProtobufWire.LENGTH_DELIMITED);

        final int wireType;

        Kind(int wireType) {
            this.wireType = wireType;
        }
    }

    final Kind kind;

    Field(Kind kind) {
        this.kind = kind;
    }
}
