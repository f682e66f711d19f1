package io.eddy.server.record;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Expected results were produced by the official client's own setValue (@deepstream/client 7.0.5,
 * dist/src/record/json-path.js), so the server's data matches what the writer shows locally.
 */
class RecordPathTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String set(String data, String path, String value) throws Exception {
        JsonNode root = JSON.readTree(data);
        RecordPath.parse(path).set(root, JSON.readTree(value));
        return JSON.writeValueAsString(root);
    }

    private static String delete(String data, String path) throws Exception {
        JsonNode root = JSON.readTree(data);
        RecordPath.parse(path).delete(root);
        return JSON.writeValueAsString(root);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{}                          | nested.list[1]  | \"x\"  | {\"nested\":{\"list\":[null,\"x\"]}}",
            "{\"title\":\"a\"}           | title           | \"b\"  | {\"title\":\"b\"}",
            "{\"a\":null}                | a.b             | 1      | {\"a\":{\"b\":1}}",
            "{\"a\":5}                   | a.b.c           | true   | {\"a\":{\"b\":{\"c\":true}}}",
            "{\"a\":\"s\"}               | a[2]            | 1      | {\"a\":[null,null,1]}",
            "{\"a\":[1,2,3]}             | a[1]            | 9      | {\"a\":[1,9,3]}",
            "{\"a\":[1]}                 | a[3]            | 4      | {\"a\":[1,null,null,4]}",
            "{\"a\":[{\"x\":1}]}         | a[0].x          | 2      | {\"a\":[{\"x\":2}]}",
            "{}                          | ' a . b '       | 1      | {\"a\":{\"b\":1}}",
            "{}                          | a..b            | 1      | {\"a\":{\"b\":1}}",
            "[1,2]                       | 1               | 5      | [1,5]",
            "{}                          | list[0][1]      | 7      | {\"list\":[[null,7]]}",
            "{}                          | 0               | 1      | {\"0\":1}",
            "{\"a\":{\"b\":1}}           | a               | [1]    | {\"a\":[1]}"
    })
    void setsLikeTheClient(String data, String path, String value, String expected) throws Exception {
        assertEquals(expected, set(data, path, value));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"a\":1,\"b\":2}           | a       | {\"b\":2}",
            "{\"a\":{\"b\":1,\"c\":2}}   | a.b     | {\"a\":{\"c\":2}}",
            "{\"a\":[1,2,3]}             | a[1]    | {\"a\":[1,null,3]}",
            "{\"a\":[1]}                 | a[5]    | {\"a\":[1]}",
            "{\"a\":1}                   | x.y.z   | {\"a\":1,\"x\":{\"y\":{}}}",
            "{\"a\":null}                | a.b     | {\"a\":{}}"
    })
    void deletesLikeTheClient(String data, String path, String expected) throws Exception {
        assertEquals(expected, delete(data, path));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " . ", "a[x]", "a[-1]", "__proto__.x", "a.constructor", "prototype", "a[99999999]"})
    void refusesPaths(String path) {
        assertThrows(RecordPath.InvalidPathException.class, () -> RecordPath.parse(path));
    }

    /** The client would set an array property that JSON drops; the server refuses instead of dropping it silently. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"[1,{\"x\":1}] | key", "[1,2] | [0].key", "{\"a\":[1]} | a.key", "[1,2] | [1]"})
    void refusesKeysOnArraysWithoutChangingAnything(String data, String path) throws Exception {
        JsonNode root = JSON.readTree(data);
        RecordPath parsed = RecordPath.parse(path);
        assertThrows(RecordPath.InvalidPathException.class, () -> parsed.set(root, JSON.readTree("1")));
        assertThrows(RecordPath.InvalidPathException.class, () -> parsed.delete(root));
        assertEquals(JSON.readTree(data), root);
    }

    @org.junit.jupiter.api.Test
    void refusesHugePadding() throws Exception {
        JsonNode root = JSON.readTree("{\"a\":[]}");
        assertThrows(RecordPath.InvalidPathException.class, () -> RecordPath.parse("a[500000]").set(root, JSON.readTree("1")));
        assertEquals("{\"a\":[]}", JSON.writeValueAsString(root));
    }
}
