package io.eddy.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cases of the JavaScript client's json-path.spec, plus erasing, reading and sharing. */
class JsonPathTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String set(String data, String path, Object value) {
        JsonNode v = value == null ? null : value instanceof String s ? TextNode.valueOf(s) : IntNode.valueOf((Integer) value);
        return JsonPath.parse(path).set(json(data), v).toString().replace('"', '\'');
    }

    @Test
    void setsTheCasesOfTheOfficialClient() {
        assertEquals("{'firstname':'Wolfram'}", set("{}", "firstname", "Wolfram"));
        assertEquals("{'address':{'street':'someStreet'}}", set("{}", "address.street", "someStreet"));
        assertEquals("{'address':{'street':{'1':'someStreet'}}}", set("{}", "address.street.1", "someStreet"));
        assertEquals("{'address':[null,null,{'99':{'street':[null,null,{'1':'someStreet'}]}}]}",
                set("{}", "address[2].99.street[2].1", "someStreet"));
        assertEquals("{'items':[51]}", set("{}", "items[0]", 51));
        assertEquals("{'items':{'0':51}}", set("{}", "items.0", 51));
        assertEquals("{'pastAddresses':[null,{'street':'someStreet'}]}", set("{}", "pastAddresses[1].street", "someStreet"));
        assertEquals("{'addresses':[['a'],['new-Street1','d']]}", set("{'addresses':[['a'],['c','d']]}", "addresses[1][0]", "new-Street1"));
        assertEquals("{'a':'x','lastname':'Hempel'}", set("{'a':'x'}", "lastname", "Hempel"));
        assertEquals("{'animals':['Bear','Emu','Ostrich']}", set("{'animals':['Bear','Cow','Ostrich']}", "animals[ 1 ]", "Emu"));
        assertEquals("{'animals':[{'xxx':'Emu'},'Cow']}", set("{'animals':[null,'Cow']}", "animals[0].xxx", "Emu"));
        assertEquals("{'animals':{'0':{'name':'Emu'}}}", set("{}", "animals.0.name", "Emu"));
        assertEquals("{'animals':[{'name':'Emu'}]}", set("{}", "animals[0].name", "Emu"));
        assertEquals("{'animals':{'name':'Emu'}}", set("{'animals':3}", "animals.name", "Emu"));
        assertEquals("{'animals':{'name':{'length':7}}}", set("{'animals':3}", "animals.name.length", 7));
        assertEquals("{'animals':[7]}", set("{'animals':3}", "animals[0]", 7));
        assertEquals("{'nested':{'list':[null,'x']}}", set("{}", "nested.list[1]", "x"));
        assertEquals("{'a':{'b':1}}", set("{'a':null}", "a.b", 1), "a null in the way is replaced");
    }

    @Test
    void aNumericKeyReadsAnExistingArray() {
        assertEquals("{'animals':[{'name':'Emu'}]}", set("{'animals':[{}]}", "animals.0.name", "Emu"));
        assertEquals("Cow", JsonPath.get(json("{'animals':['Bear','Cow']}"), "animals.1").textValue());
    }

    @Test
    void partsAreTrimmedAndEmptyPartsSkipped() {
        assertEquals("{'a':{'b':1}}", set("{}", " a . .b ", 1));
    }

    @Test
    void erasingRemovesAKeyAndLeavesNullInAnArray() {
        assertEquals("{'b':2}", set("{'a':1,'b':2}", "a", null));
        assertEquals("{'l':[1,null,3]}", set("{'l':[1,2,3]}", "l[1]", null));
        assertEquals("{'x':{'y':{}}}", set("{}", "x.y.z", null), "intermediate objects are created, as in JavaScript");
    }

    @Test
    void invalidPathsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> JsonPath.parse(" . "));
        assertThrows(IllegalArgumentException.class, () -> JsonPath.parse("a[x]"));
        assertThrows(IllegalArgumentException.class, () -> JsonPath.parse("a[-1]"));
        assertThrows(IllegalArgumentException.class, () -> set("{'a':[1]}", "a.key", 1));
    }

    @Test
    void readingMissesGracefully() {
        JsonNode data = json("{'a':{'b':[1,{'c':true}]},'s':'text'}");
        assertTrue(JsonPath.get(data, "a.b[1].c").booleanValue());
        assertTrue(JsonPath.get(data, "a.x.y").isMissingNode());
        assertTrue(JsonPath.get(data, "s.length").isMissingNode());
        assertTrue(JsonPath.get(data, "a.b[5]").isMissingNode());
        assertSame(data, JsonPath.get(data, ""));
    }

    @Test
    void setCopiesThePathAndSharesTheRest() {
        JsonNode before = json("{'a':{'x':1},'b':{'y':[1,2]}}");
        JsonNode after = JsonPath.parse("a.x").set(before, IntNode.valueOf(2));
        assertEquals(1, before.path("a").path("x").intValue(), "the original is unchanged");
        assertSame(before.get("b"), after.get("b"), "untouched branches are shared");
    }

    @Test
    void numbersAreTheSameByValue() {
        assertTrue(JsonPath.same(json("{'a':[1,2.0]}"), json("{'a':[1.0,2]}")));
        assertFalse(JsonPath.same(json("{'a':1}"), json("{'a':'1'}")));
        assertFalse(JsonPath.same(json("{'a':1}"), json("{'a':1,'b':null}")));
    }
}
