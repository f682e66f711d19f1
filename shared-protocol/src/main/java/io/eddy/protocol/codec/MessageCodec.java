package io.eddy.protocol.codec;

import io.eddy.protocol.Message;
import io.eddy.protocol.Topic;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Encodes and decodes deepstream's binary messages.
 * <pre>
 * delimited = varint(length of envelope) ‖ envelope
 * envelope  = Message { TOPIC topic = 2; bytes message = 3; }
 * message   = the topic's own message type (see {@link Schema})
 * </pre>
 * A standard WebSocket frame holds exactly one delimited message; a connection that negotiated Eddy's multi-message
 * frames may put several back to back (see docs/protocol-extensions.md). Fields are written in ascending tag order
 * and only when present, so zeros such as {@code version = 0} reach the client and the output is byte-identical to
 * the official encoder's.
 */
public final class MessageCodec {

    private static final int ENVELOPE_TOPIC_TAG = 2;
    private static final int ENVELOPE_MESSAGE_TAG = 3;
    private static final int SCRATCH_KEEP_LIMIT = 64 * 1024;

    private static final ThreadLocal<ProtobufWriter> SCRATCH = ThreadLocal.withInitial(() -> new ProtobufWriter(512));

    private MessageCodec() {
    }

    /** The delimited encoding of one message: what goes into one WebSocket frame. */
    public static byte[] encode(Message message) {
        ProtobufWriter body = SCRATCH.get();
        body.reset();
        writeBody(message, body);
        int bodyLength = body.position();
        int topic = message.topic().code();
        int envelopeLength = 1 + ProtobufWire.varintSize(topic) + 1 + ProtobufWire.varintSize(bodyLength) + bodyLength;

        ProtobufWriter out = new ProtobufWriter(ProtobufWire.varintSize(envelopeLength) + envelopeLength);
        out.varint(envelopeLength);
        out.key(ENVELOPE_TOPIC_TAG, ProtobufWire.VARINT);
        out.varint(topic);
        out.key(ENVELOPE_MESSAGE_TAG, ProtobufWire.LENGTH_DELIMITED);
        out.varint(bodyLength);
        out.bytes(body.buffer(), 0, bodyLength);
        if (body.buffer().length > SCRATCH_KEEP_LIMIT) {
            SCRATCH.remove();
        }
        return out.buffer(); // sized exactly above, so no copy is needed
    }

    /** Decodes the first delimited message of a frame; anything after it is ignored, as the reference server does. */
    public static Message decode(byte[] frame) throws MalformedMessageException {
        return decode(frame, 0, frame.length);
    }

    public static Message decode(byte[] frame, int offset, int length) throws MalformedMessageException {
        ProtobufReader reader = new ProtobufReader(frame, offset, length);
        return decodeDelimited(reader);
    }

    /** Decodes every delimited message of a multi-message frame. */
    public static List<Message> decodeAll(byte[] frame, int offset, int length) throws MalformedMessageException {
        ProtobufReader reader = new ProtobufReader(frame, offset, length);
        List<Message> messages = new ArrayList<>(4);
        do {
            messages.add(decodeDelimited(reader));
        } while (reader.hasRemaining());
        return messages;
    }

    private static Message decodeDelimited(ProtobufReader reader) throws MalformedMessageException {
        ProtobufReader envelope = reader.embedded();
        int topicCode = 0;
        ProtobufReader body = null;
        while (envelope.hasRemaining()) {
            int key = (int) envelope.varint();
            int tag = key >>> 3;
            int wireType = key & 7;
            if (tag == ENVELOPE_TOPIC_TAG && wireType == ProtobufWire.VARINT) {
                topicCode = (int) envelope.varint();
            } else if (tag == ENVELOPE_MESSAGE_TAG && wireType == ProtobufWire.LENGTH_DELIMITED) {
                body = envelope.embedded();
            } else if (tag == 0) {
                throw new MalformedMessageException("field tag 0");
            } else {
                // protobuf readers pass over fields they do not know: a newer client's additions must not break us
                envelope.skip(wireType);
            }
        }
        Topic topic = Topic.of(topicCode);
        Schema schema = topic == null ? null : Schema.of(topic);
        if (schema == null) {
            throw new MalformedMessageException("no schema for topic " + topicCode);
        }
        Message message = new Message(topic, 0);
        if (body != null) {
            readBody(body, schema, message);
        }
        return message;
    }

    private static void readBody(ProtobufReader r, Schema schema, Message m) throws MalformedMessageException {
        List<String> names = null;
        Map<String, Integer> versions = null;
        while (r.hasRemaining()) {
            int key = (int) r.varint();
            int tag = key >>> 3;
            int wireType = key & 7;
            if (tag == 0) {
                throw new MalformedMessageException("field tag 0");
            }
            Field field = schema.field(tag);
            if (field == null) {
                // a field this topic's schema does not define (a newer protocol revision): passed over, as protobuf does
                r.skip(wireType);
                continue;
            }
            if (field.kind.wireType != wireType) {
                throw new MalformedMessageException("field " + tag + " has wire type " + wireType);
            }
            switch (field) {
                case ACTION -> m.action((int) r.varint());
                case DATA -> m.data(r.string());
                case CORRELATION_ID -> m.correlationId(r.string());
                case IS_ERROR -> m.isError(r.varint() != 0);
                case IS_ACK -> m.isAck(r.varint() != 0);
                case IS_WRITE_ACK -> m.isWriteAck(r.varint() != 0);
                case LOCKED -> m.locked(r.varint() != 0);
                case NAME -> m.name(r.string());
                case NAMES -> {
                    if (names == null) {
                        names = new ArrayList<>(4);
                    }
                    names.add(r.string());
                }
                case SUBSCRIPTION -> m.subscription(r.string());
                case PATTERN -> m.pattern(r.string());
                case PATH -> m.path(r.string());
                case VERSION -> m.version((int) r.varint());
                case VERSIONS -> {
                    if (versions == null) {
                        versions = new LinkedHashMap<>();
                    }
                    readMapEntry(r.embedded(), versions);
                }
                case ORIGINAL_TOPIC -> m.originalTopic((int) r.varint());
                case ORIGINAL_ACTION -> m.originalAction((int) r.varint());
                case URL -> m.url(r.string());
                case PROTOCOL_VERSION -> m.protocolVersion(r.string());
                case SDK_VERSION -> m.sdkVersion(r.string());
                case SDK_TYPE -> m.sdkType(r.string());
                case REQUESTOR_NAME -> m.requestorName(r.string());
                case REQUESTOR_DATA -> m.requestorData(r.string());
                case LEADER_SCORE -> m.leaderScore((int) r.varint());
                case ROLE -> m.role(r.string());
            }
        }
        if (names != null) {
            m.names(names);
        }
        if (versions != null) {
            m.versions(versions);
        }
    }

    private static void readMapEntry(ProtobufReader entry, Map<String, Integer> into) throws MalformedMessageException {
        String key = "";
        int value = 0;
        while (entry.hasRemaining()) {
            int k = (int) entry.varint();
            int tag = k >>> 3;
            int wireType = k & 7;
            if (tag == 1 && wireType == ProtobufWire.LENGTH_DELIMITED) {
                key = entry.string();
            } else if (tag == 2 && wireType == ProtobufWire.VARINT) {
                value = (int) entry.varint();
            } else {
                // unknown map-entry fields are passed over like any unknown protobuf field
                entry.skip(wireType);
            }
        }
        into.put(key, value);
    }

    private static void writeBody(Message m, ProtobufWriter w) {
        Schema schema = Schema.of(m.topic());
        if (schema == null) {
            throw new IllegalArgumentException("topic " + m.topic() + " has no message schema");
        }
        Field[] fields = schema.fields;
        int[] tags = schema.tags;
        for (int i = 0; i < fields.length; i++) {
            int tag = tags[i];
            switch (fields[i]) {
                case ACTION -> int32(w, tag, m.action());
                case DATA -> string(w, tag, m.data());
                case CORRELATION_ID -> string(w, tag, m.correlationId());
                case IS_ERROR -> flag(w, tag, m.isError());
                case IS_ACK -> flag(w, tag, m.isAck());
                case IS_WRITE_ACK -> flag(w, tag, m.isWriteAck());
                case LOCKED -> flag(w, tag, m.locked());
                case NAME -> string(w, tag, m.name());
                case NAMES -> {
                    if (m.hasNames()) {
                        for (String n : m.names()) {
                            string(w, tag, n);
                        }
                    }
                }
                case SUBSCRIPTION -> string(w, tag, m.subscription());
                case PATTERN -> string(w, tag, m.pattern());
                case PATH -> string(w, tag, m.path());
                case VERSION -> int32(w, tag, m.version());
                case VERSIONS -> {
                    if (m.versions() != null) {
                        for (Map.Entry<String, Integer> e : m.versions().entrySet()) {
                            mapEntry(w, tag, e.getKey(), e.getValue());
                        }
                    }
                }
                case ORIGINAL_TOPIC -> int32(w, tag, m.originalTopic());
                case ORIGINAL_ACTION -> int32(w, tag, m.originalAction());
                case URL -> string(w, tag, m.url());
                case PROTOCOL_VERSION -> string(w, tag, m.protocolVersion());
                case SDK_VERSION -> string(w, tag, m.sdkVersion());
                case SDK_TYPE -> string(w, tag, m.sdkType());
                case REQUESTOR_NAME -> string(w, tag, m.requestorName());
                case REQUESTOR_DATA -> string(w, tag, m.requestorData());
                case LEADER_SCORE -> int32(w, tag, m.leaderScore());
                case ROLE -> string(w, tag, m.role());
            }
        }
    }

    private static void int32(ProtobufWriter w, int tag, Integer value) {
        if (value != null) {
            w.key(tag, ProtobufWire.VARINT);
            w.int32(value);
        }
    }

    private static void string(ProtobufWriter w, int tag, String value) {
        if (value != null) {
            w.key(tag, ProtobufWire.LENGTH_DELIMITED);
            w.string(value);
        }
    }

    /** False flags are left out: the client reads an absent flag as false, and 7.0.2 omits most of them too. */
    private static void flag(ProtobufWriter w, int tag, boolean value) {
        if (value) {
            w.key(tag, ProtobufWire.VARINT);
            w.bool(true);
        }
    }

    private static void mapEntry(ProtobufWriter w, int tag, String key, Integer value) {
        int keyLength = ProtobufWriter.utf8Length(key);
        int entryLength = 1 + ProtobufWire.varintSize(keyLength) + keyLength;
        if (value != null) {
            entryLength += 1 + ProtobufWire.int32Size(value);
        }
        w.key(tag, ProtobufWire.LENGTH_DELIMITED);
        w.varint(entryLength);
        w.key(1, ProtobufWire.LENGTH_DELIMITED);
        w.string(key);
        if (value != null) {
            w.key(2, ProtobufWire.VARINT);
            w.int32(value);
        }
    }
}
