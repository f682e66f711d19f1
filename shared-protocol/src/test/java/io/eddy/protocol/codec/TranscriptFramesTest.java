package io.eddy.protocol.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eddy.protocol.Message;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every complete frame recorded between deepstream 7.0.2 and @deepstream/client 7.0.5: it must decode to exactly the
 * fields the recording lists, and encoding that message again must give the recorded bytes.
 */
class TranscriptFramesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> FILES = List.of("connect-login", "events", "listening", "lists", "presence",
            "reconnect", "records-conflict", "records-errors", "records", "rpc-requestor", "rpc");
    private static final Set<String> META = Set.of("dir", "client", "topic", "action", "hex", "bytes", "t", "note");

    @TestFactory
    List<DynamicTest> transcriptFrames() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (String file : FILES) {
            int lineNo = 0;
            for (String line : lines(file)) {
                lineNo++;
                JsonNode frame = JSON.readTree(line);
                if (!frame.has("hex") || frame.get("hex").asText().length() / 2 != frame.get("bytes").asInt()) {
                    continue; // notes, close events and frames the recorder cut short
                }
                String label = file + ":" + lineNo + " " + frame.get("dir").asText() + " " + frame.get("topic").asText()
                        + " " + frame.get("action").asText();
                tests.add(DynamicTest.dynamicTest(label, () -> check(frame)));
            }
        }
        assertTrue(tests.size() > 500, "expected the transcripts to hold hundreds of complete frames");
        return tests;
    }

    private static void check(JsonNode frame) throws Exception {
        byte[] bytes = HexFormat.of().parseHex(frame.get("hex").asText());
        if (frame.get("topic").asText().equals("PARSER(1)") && frame.get("action").asText().equals("ERROR(6)")
                && frame.get("dir").asText().equals("C->S")) {
            // the recorder's stand-in for a frame its parser could not decode: ours must refuse it too
            assertThrows(MalformedMessageException.class, () -> MessageCodec.decode(bytes));
            return;
        }
        Message m = MessageCodec.decode(bytes);
        assertEquals(number(frame.get("topic").asText()), m.topic().code(), "topic");
        assertEquals(number(frame.get("action").asText()), m.action(), "action");
        boolean hasFalseFlag = false;
        for (Iterator<Map.Entry<String, JsonNode>> it = frame.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (META.contains(field.getKey())) {
                continue;
            }
            JsonNode v = field.getValue();
            hasFalseFlag |= v.isBoolean() && !v.asBoolean();
            assertField(m, field.getKey(), v);
        }
        if (!hasFalseFlag) {
            // connect-login 8b sends two messages in one frame; the recording lists the first, which is all a
            // standard connection reads, so the frame is compared as the concatenation of everything in it
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            for (Message each : MessageCodec.decodeAll(bytes, 0, bytes.length)) {
                all.write(MessageCodec.encode(each));
            }
            assertArrayEquals(bytes, all.toByteArray(), "re-encoding must reproduce the recorded bytes");
        }
    }

    private static void assertField(Message m, String key, JsonNode v) {
        switch (key) {
            case "name" -> assertEquals(v.asText(), m.name(), key);
            case "data" -> assertEquals(v.asText(), m.data(), key);
            case "correlationId" -> assertEquals(v.asText(), m.correlationId(), key);
            case "subscription" -> assertEquals(v.asText(), m.subscription(), key);
            case "path" -> assertEquals(v.asText(), m.path(), key);
            case "url" -> assertEquals(v.asText(), m.url(), key);
            case "protocolVersion" -> assertEquals(v.asText(), m.protocolVersion(), key);
            case "sdkVersion" -> assertEquals(v.asText(), m.sdkVersion(), key);
            case "sdkType" -> assertEquals(v.asText(), m.sdkType(), key);
            case "requestorName" -> assertEquals(v.asText(), m.requestorName(), key);
            case "requestorData" -> assertEquals(v.asText(), m.requestorData(), key);
            case "version" -> assertEquals(v.asInt(), m.version(), key);
            case "isAck" -> assertEquals(v.asBoolean(), m.isAck(), key);
            case "isError" -> assertEquals(v.asBoolean(), m.isError(), key);
            case "isWriteAck" -> assertEquals(v.asBoolean(), m.isWriteAck(), key);
            case "originalAction" -> assertEquals(number(v.asText()), m.originalAction(), key);
            case "names" -> {
                List<String> names = new ArrayList<>();
                v.forEach(n -> names.add(n.asText()));
                assertEquals(names, m.names(), key);
            }
            case "versions" -> {
                assertEquals(v.size(), m.versions().size(), key);
                v.fields().forEachRemaining(e -> assertEquals(e.getValue().asInt(), m.versions().get(e.getKey())));
            }
            default -> throw new AssertionError("transcript field not covered by the test: " + key);
        }
    }

    /** "SUBSCRIBE(3)" → 3; "?(99)" → 99. */
    private static int number(String labelled) {
        return Integer.parseInt(labelled.substring(labelled.lastIndexOf('(') + 1, labelled.length() - 1));
    }

    private static List<String> lines(String file) throws IOException {
        try (InputStream in = TranscriptFramesTest.class.getResourceAsStream("/transcripts/" + file + ".jsonl")) {
            if (in == null) {
                throw new IOException("missing test resource transcripts/" + file + ".jsonl");
            }
            return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList();
        }
    }
}
