package io.eddy.protocol.json;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonTextTest {

    @ParameterizedTest
    @ValueSource(strings = {"{}", "[]", "1", "-0.5e+10", "\"x\"", "true", "false", "null", " {\"a\" : [1, {\"b\":null}, \"\\u00e9\\n\"]} ",
            "[[[[[]]]]]", "{\"a\":{},\"b\":[]}", "0", "1E5", "\"😀\""})
    void accepts(String text) {
        assertTrue(JsonText.isValid(text), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "not-json", "{", "}", "[1,]", "{\"a\":1,}", "{a:1}", "01", "1.", ".5", "-", "tru",
            "\"unterminated", "\"bad \\x escape\"", "[1 2]", "{\"a\" 1}", "1 2", "{}{}", "NaN", "'x'", "\"\\u12\"",
            "{\"a\":}", "[,1]", "\"tab\there\""})
    void rejects(String text) {
        assertFalse(JsonText.isValid(text), text);
    }

    @Test
    void loneSurrogatesAreEscapedAndPairsKept() {
        assertEquals("{\"s\":\"a\\ud800b\"}", JsonText.escapeLoneSurrogates("{\"s\":\"a\ud800b\"}"));
        assertEquals("\"\\udc00\\ud800\"", JsonText.escapeLoneSurrogates("\"\udc00\ud800\""));
        assertEquals("\"🚀 x\"", JsonText.escapeLoneSurrogates("\"🚀 x\""));
        String plain = "{\"a\":\"ü\"}";
        org.junit.jupiter.api.Assertions.assertSame(plain, JsonText.escapeLoneSurrogates(plain));
    }

    @Test
    void deepNestingIsFine() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        assertTrue(JsonText.isValid(deep));
        assertFalse(JsonText.isValid("[".repeat(100_000)));
    }

    @Test
    void agreesWithAStrictParserOnRandomInput() {
        ObjectMapper strict = JsonMapper.builder().disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
        Random random = new Random(7);
        String alphabet = "{}[]\",:0123456789.-+eEtrufalsn \\u";
        for (int i = 0; i < 50_000; i++) {
            StringBuilder sb = new StringBuilder();
            int len = random.nextInt(12);
            for (int j = 0; j < len; j++) {
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String text = sb.toString();
            boolean jackson;
            try {
                var parser = strict.createParser(text);
                strict.readTree(parser);
                jackson = parser.nextToken() == null && !text.isBlank();
            } catch (Exception e) {
                jackson = false;
            }
            assertEquals(jackson, JsonText.isValid(text), () -> "disagreement on: " + text);
        }
    }
}
