package io.eddy.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A record path such as {@code a.b[2].c}, read and applied the way the JavaScript client's json-path does it, so a
 * Java writer shows the data the server and every other client will have: parts split on dots and trimmed, empty
 * parts skipped, {@code [n]} an array index (a part like {@code 0} is a key, but reads an array element when it
 * meets an array); missing or non-container nodes on the way are replaced by an array padded with nulls when the
 * next part is an index, otherwise by an object; erasing an array element leaves {@code null}, as JavaScript's
 * {@code delete} leaves a hole that serialises as null.
 * <p>
 * Trees are never changed in place: {@link #set} copies the containers along the path and shares everything else,
 * so a tree once handed to a record can be read without copying and compared cheaply.
 */
final class JsonPath {

    /** The largest index accepted: padding an array to it is a mistake, not a record. */
    static final int MAX_INDEX = 1_000_000;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Numbers are equal by value (1, 1.0 and 1L alike), as they are once serialised; everything else by equals. */
    private static final Comparator<JsonNode> SAME_VALUE = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            BigDecimal x = a.decimalValue();
            BigDecimal y = b.decimalValue();
            return x.compareTo(y);
        }
        return a.equals(b) ? 0 : 1;
    };

    private final String text;
    /** {@link String} keys and {@link Integer} indices. */
    private final List<Object> tokens;

    private JsonPath(String text, List<Object> tokens) {
        this.text = text;
        this.tokens = tokens;
    }

    /**
     * Parses a path.
     *
     * @throws IllegalArgumentException for a path without parts, or a bracket that does not hold a non-negative
     *                                  integer no larger than {@link #MAX_INDEX}
     */
    static JsonPath parse(String path) {
        if (path == null) {
            throw new IllegalArgumentException("path must not be null");
        }
        List<Object> tokens = new ArrayList<>();
        for (String rawPart : path.split("\\.", -1)) {
            String part = rawPart.trim();
            if (part.isEmpty()) {
                continue;
            }
            String[] pieces = part.split("[\\[\\]]", -1);
            tokens.add(pieces[0]);
            for (int i = 1; i < pieces.length; i++) {
                if (!pieces[i].isEmpty()) {
                    tokens.add(index(pieces[i], path));
                }
            }
        }
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("empty path '" + path + "'");
        }
        return new JsonPath(path, List.copyOf(tokens));
    }

    /** The value at {@code path} in {@code root}, not copied; {@link MissingNode} when there is none. */
    static JsonNode get(JsonNode root, String path) {
        return path == null || path.isEmpty() ? root : parse(path).get(root);
    }

    JsonNode get(JsonNode root) {
        JsonNode node = root;
        for (Object token : tokens) {
            JsonNode child = child(node, token);
            if (child == null) {
                return MissingNode.getInstance();
            }
            node = child;
        }
        return node;
    }

    /**
     * A new tree: {@code root} with {@code value} at this path, or with the path erased when {@code value} is null.
     * Neither {@code root} nor {@code value} is changed; {@code value} becomes part of the result, so the caller
     * passes a node nobody else changes.
     *
     * @throws IllegalArgumentException when the path uses a key on an existing array, which JavaScript would set
     *                                  as a property that never reaches the server
     */
    JsonNode set(JsonNode root, JsonNode value) {
        if (!root.isContainerNode()) {
            throw new IllegalArgumentException("record data must be an object or an array");
        }
        return set(root, 0, value);
    }

    private JsonNode set(JsonNode node, int i, JsonNode value) {
        Object token = tokens.get(i);
        if (i == tokens.size() - 1) {
            JsonNode copy = shallowCopy(node);
            if (value == null) {
                remove(copy, token);
            } else {
                put(copy, token, value);
            }
            return copy;
        }
        JsonNode child = child(node, token);
        JsonNode below = child != null && child.isContainerNode() ? child : created(tokens.get(i + 1));
        JsonNode changed = set(below, i + 1, value);
        JsonNode copy = shallowCopy(node);
        put(copy, token, changed);
        return copy;
    }

    /** Whether two trees hold the same JSON (numbers compared by value). */
    static boolean same(JsonNode a, JsonNode b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null) {
            return false;
        }
        return a.equals(SAME_VALUE, b);
    }

    @Override
    public String toString() {
        return text;
    }

    private JsonNode child(JsonNode node, Object token) {
        if (node instanceof ArrayNode array) {
            int index = token instanceof Integer n ? n : numericKey((String) token);
            return index >= 0 && index < array.size() ? array.get(index) : null;
        }
        if (node instanceof ObjectNode object) {
            return object.get(token.toString());
        }
        return null;
    }

    private void put(JsonNode container, Object token, JsonNode value) {
        if (container instanceof ArrayNode array) {
            int index = arrayIndex(token);
            while (array.size() <= index) {
                array.addNull();
            }
            array.set(index, value);
        } else {
            ((ObjectNode) container).set(token.toString(), value);
        }
    }

    private void remove(JsonNode container, Object token) {
        if (container instanceof ArrayNode array) {
            int index = arrayIndex(token);
            if (index < array.size()) {
                array.set(index, NODES.nullNode());
            }
        } else {
            ((ObjectNode) container).remove(token.toString());
        }
    }

    private int arrayIndex(Object token) {
        int index = token instanceof Integer n ? n : numericKey((String) token);
        if (index < 0) {
            throw new IllegalArgumentException("'" + text + "' uses the key '" + token + "' on an array");
        }
        return index;
    }

    /** A key JavaScript reads as an array index ("0", "12"), else -1. */
    private static int numericKey(String key) {
        if (key.isEmpty() || key.length() > 7 || !key.chars().allMatch(Character::isDigit)
                || (key.length() > 1 && key.charAt(0) == '0')) {
            return -1;
        }
        return Integer.parseInt(key);
    }

    private static JsonNode created(Object next) {
        if (next instanceof Integer size) {
            ArrayNode array = NODES.arrayNode(size + 1);
            for (int k = 0; k < size; k++) {
                array.addNull();
            }
            return array;
        }
        return NODES.objectNode();
    }

    private static JsonNode shallowCopy(JsonNode node) {
        if (node instanceof ObjectNode object) {
            ObjectNode copy = NODES.objectNode();
            object.fields().forEachRemaining(e -> copy.set(e.getKey(), e.getValue()));
            return copy;
        }
        ArrayNode array = (ArrayNode) node;
        ArrayNode copy = NODES.arrayNode(array.size());
        array.elements().forEachRemaining(copy::add);
        return copy;
    }

    private static Integer index(String digits, String path) {
        int index;
        try {
            index = Integer.parseInt(digits.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + path + "' has an index that is not a number: [" + digits + "]");
        }
        if (index < 0 || index > MAX_INDEX) {
            throw new IllegalArgumentException("'" + path + "' has an index out of range: " + index);
        }
        return index;
    }
}
