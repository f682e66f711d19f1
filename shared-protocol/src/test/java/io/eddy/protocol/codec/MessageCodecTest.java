package io.eddy.protocol.codec;

import io.eddy.protocol.AuthAction;
import io.eddy.protocol.ConnectionAction;
import io.eddy.protocol.EventAction;
import io.eddy.protocol.Message;
import io.eddy.protocol.PresenceAction;
import io.eddy.protocol.RecordAction;
import io.eddy.protocol.RpcAction;
import io.eddy.protocol.Topic;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hex examples of the protocol reference (§12), byte for byte, and the traps it lists. */
class MessageCodecTest {

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    @Test
    void authRequestMatchesReferenceBytes() throws Exception {
        byte[] expected = hex("1c 10 03 1a 18 08 02 12 14 7b 22 75 73 65 72 6e 61 6d 65 22 3a 22 61 6c 69 63 65 22 7d");
        Message m = Message.of(AuthAction.REQUEST).data("{\"username\":\"alice\"}");
        assertArrayEquals(expected, MessageCodec.encode(m));
        assertEquals(m, MessageCodec.decode(expected));
    }

    @Test
    void readResponseWritesVersionZero() throws Exception {
        byte[] expected = hex("13 10 05 1a 0f 08 04 12 02 7b 7d 32 05 64 6f 63 2f 31 68 00");
        Message m = Message.of(RecordAction.READ_RESPONSE).name("doc/1").version(0).data("{}");
        assertArrayEquals(expected, MessageCodec.encode(m));
        Message decoded = MessageCodec.decode(expected);
        assertEquals(0, decoded.version());
    }

    @Test
    void absentVersionIsNotWritten() throws Exception {
        Message m = Message.of(RecordAction.READ).name("doc/1");
        Message decoded = MessageCodec.decode(MessageCodec.encode(m));
        assertNull(decoded.version());
        assertNull(decoded.data());
    }

    @Test
    void negativeVersionUsesTenByteVarint() throws Exception {
        byte[] expected = hex("26 10 05 1a 22 08 10 12 07 7b 22 61 22 3a 31 7d 1a 01 31 32 05 64 6f 63 2f 31 58 01"
                + " 68 ff ff ff ff ff ff ff ff ff 01");
        Message m = Message.of(RecordAction.CREATEANDUPDATE).name("doc/1").version(-1).data("{\"a\":1}")
                .correlationId("1").isWriteAck(true);
        assertArrayEquals(expected, MessageCodec.encode(m));
        assertEquals(-1, MessageCodec.decode(expected).version());
    }

    @Test
    void smallFramesFromTheReference() {
        assertEquals("0610021a020804", hex(MessageCodec.encode(Message.of(ConnectionAction.ACCEPT))));
        assertEquals("0610021a020803", hex(MessageCodec.encode(Message.of(ConnectionAction.PONG))));
        assertEquals("0b10041a0708031a01302801", hex(MessageCodec.encode(
                Message.of(EventAction.SUBSCRIBE).correlationId("0").isAck(true))));
    }

    @Test
    void nameTagsDifferPerTopic() throws Exception {
        // RPC name is tag 7 (0x3a), PRESENCE name is tag 8 (0x42), EVENT name is tag 6 (0x32).
        assertTrue(hex(MessageCodec.encode(Message.of(RpcAction.REQUEST).name("x"))).endsWith("3a0178"));
        assertTrue(hex(MessageCodec.encode(Message.of(PresenceAction.PRESENCE_JOIN).name("x"))).endsWith("420178"));
        assertTrue(hex(MessageCodec.encode(Message.of(EventAction.EMIT).name("x"))).endsWith("320178"));
        Message presence = Message.of(PresenceAction.QUERY_RESPONSE).correlationId("0").data("{\"bob\":true}");
        assertEquals(presence, MessageCodec.decode(MessageCodec.encode(presence)));
    }

    @Test
    void repeatedNamesAndVersionsMapRoundTrip() throws Exception {
        Map<String, Integer> versions = new LinkedHashMap<>();
        versions.put("a", 3);
        versions.put("b/c", 0);
        versions.put("d", -1);
        Message m = Message.of(RecordAction.HEAD_RESPONSE_BULK).versions(versions).names(List.of("x", "", "ü€😀"));
        Message decoded = MessageCodec.decode(MessageCodec.encode(m));
        assertEquals(versions, decoded.versions());
        assertEquals(List.of("x", "", "ü€😀"), decoded.names());
    }

    @Test
    void utf8DataRoundTrips() throws Exception {
        String data = "\"grüße 日本 😀\"";
        Message m = Message.of(EventAction.EMIT).name("e").data(data);
        byte[] bytes = MessageCodec.encode(m);
        assertEquals(data, MessageCodec.decode(bytes).data());
        byte[] javaUtf8 = data.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(hex(bytes).contains(hex(javaUtf8)));
    }

    @Test
    void onlyTheFirstMessageOfAFrameIsRead() throws Exception {
        byte[] twoPings = hex("0610021a020802" + "0610021a020802");
        Message first = MessageCodec.decode(twoPings);
        assertTrue(first.is(ConnectionAction.PING));
        assertEquals(2, MessageCodec.decodeAll(twoPings, 0, twoPings.length).size());
    }

    @Test
    void frameWithoutLengthPrefixIsMalformed() {
        assertThrows(MalformedMessageException.class, () -> MessageCodec.decode(hex("10021a020802")));
    }

    @Test
    void unknownTopicsAreMalformed() {
        // topic 99, topic 11 (STATE_REGISTRY) and a missing topic have no schema
        assertThrows(MalformedMessageException.class, () -> MessageCodec.decode(hex("051063 1a 01 08".replace(" ", "") + "02")));
        assertThrows(MalformedMessageException.class, () -> MessageCodec.decode(hex("06100b1a020802")));
        assertThrows(MalformedMessageException.class, () -> MessageCodec.decode(hex("041a020802")));
    }

    @Test
    void garbageNeverEscapesAsAnotherException() {
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[random.nextInt(40)];
            random.nextBytes(b);
            if (i % 3 == 0 && b.length > 1) {
                b[0] = (byte) (b.length - 1); // plausible length prefix so the body parser gets exercised
            }
            try {
                Message m = MessageCodec.decode(b);
                MessageCodec.encode(m); // whatever decodes must encode again
            } catch (MalformedMessageException expected) {
                // fine
            }
        }
    }

    @Test
    void truncatedAndOverlongLengthsAreMalformed() {
        assertThrows(MalformedMessageException.class, () -> MessageCodec.decode(hex("ff")));
        assertThrows(MalformedMessageException.class, () -> MessageCodec.decode(hex("20 10 04")));
        assertThrows(MalformedMessageException.class, () -> MessageCodec.decode(hex("06 10 04 1a 09 08 02")));
        assertThrows(MalformedMessageException.class, () -> MessageCodec.decode(new byte[0]));
    }

    @Test
    void unknownFieldsAreSkipped() throws Exception {
        // EVENT EMIT with an extra field 15 (varint) and field 1 of the envelope
        byte[] frame = hex("0d 08 01 10 04 1a 07 08 02 78 05 32 01 78");
        Message m = MessageCodec.decode(frame);
        assertEquals(Topic.EVENT, m.topic());
        assertEquals("x", m.name());
    }

    @Test
    void wrongWireTypeForKnownFieldIsMalformed() {
        // EVENT with name (tag 6) sent as a varint
        assertThrows(MalformedMessageException.class, () -> MessageCodec.decode(hex("07 10 04 1a 03 08 02 30")));
    }

    @Test
    void falseFlagsAreOmitted() {
        Message m = Message.of(EventAction.SUBSCRIBE).correlationId("0").isAck(false).isError(false);
        assertEquals("0a10041a0608031a0130".length() / 2 - 1,
                MessageCodec.encode(m)[0]);
        assertFalse(hex(MessageCodec.encode(m)).contains("2800"));
    }
}
