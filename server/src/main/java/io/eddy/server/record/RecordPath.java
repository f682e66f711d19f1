package io.eddy.server.record;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A record path such as {@code a.b[2].c}, applied exactly as the official client applies it locally — the server
 * must end up with the same data the writer already shows: parts split on dots and trimmed, empty parts skipped,
 * {@code [n]} an array index; missing nodes are created (an array padded with nulls when the next part is an index,
 * an object otherwise), and a scalar or {@code null} in the way is replaced. Deleting an array element leaves
 * {@code null}, as JavaScript's {@code delete} leaves a hole that serialises as null.
 * <p>
 * Refused, where the client would quietly lose data or a client could hurt the server: a string key on an array,
 * an index that is not a non-negative integer or that would pad an array by more than {@link #MAX_PADDING}, and the
 * prototype names {@code __proto__}, {@code constructor} and {@code prototype} (as deepstream 10 refuses them).
 */
public final class RecordPath {

    static final int MAX_PADDING = 100_000;
    private static final Set<String> FORBIDDEN = Set.of("__proto__", "constructor", "prototype");

    private final String text;
    private final List<Object> tokens;

    private RecordPath(String text, List<Object> tokens) {
        this.text = text;
        this.tokens = tokens;
    }

    /** Parses a path; throws {@link InvalidPathException} for one the server refuses. */
    public static RecordPath parse(String path) {
        List<Object> tokens = new ArrayList<>();
        for (String rawPart : path.split("\\.", -1)) {
            String part = rawPart.trim();
            if (part.isEmpty()) {
                continue;
            }
            String[] pieces = part.split("[\\[\\]]", -1);
            tokens.add(key(pieces[0], path));
            for (int i = 1; i < pieces.length; i++) {
                if (!pieces[i].isEmpty()) {
                    tokens.add(index(pieces[i], path));
                }
            }
        }
        if (tokens.isEmpty()) {
            throw new InvalidPathException("empty path '" + path + "'");
        }
        return new RecordPath(path, List.copyOf(tokens));
    }

    /** Sets the value at this path inside {@code root} (an object or array), creating what is missing. */
    public void set(JsonNode root, JsonNode value) {
        JsonNode parent = walkCreating(root);
        Object last = tokens.get(tokens.size() - 1);
        put(parent, last, value);
    }

    /**
     * Removes the value at this path. Like the client, it first creates the intermediate objects the path names, so
     * erasing {@code x.y.z} from {@code {}} leaves {@code {"x":{"y":{}}}}.
     */
    public void delete(JsonNode root) {
        JsonNode parent = walkCreating(root);
        Object last = tokens.get(tokens.size() - 1);
        if (parent instanceof ArrayNode array) {
            int index = arrayIndex(last);
            if (index < array.size()) {
                array.set(index, JsonNodeFactory.instance.nullNode());
            }
        } else {
            ((ObjectNode) parent).remove(last.toString());
        }
    }

    /**
     * Walks to the parent of the last token. Existing containers are checked before anything is created, and all
     * that is created below is shaped by the path itself, so a refused path never leaves a partial change.
     */
    private JsonNode walkCreating(JsonNode root) {
        JsonNode node = root;
        int i = 0;
        for (; i < tokens.size(); i++) {
            check(node, tokens.get(i));
            if (i == tokens.size() - 1) {
                return node;
            }
            JsonNode child = child(node, tokens.get(i));
            if (child == null || !child.isContainerNode()) {
                break;
            }
            node = child;
        }
        for (; i < tokens.size() - 1; i++) {
            JsonNode created = tokens.get(i + 1) instanceof Integer size
                    ? pad(JsonNodeFactory.instance.arrayNode(), size)
                    : JsonNodeFactory.instance.objectNode();
            put(node, tokens.get(i), created);
            node = created;
        }
        return node;
    }

    private void check(JsonNode node, Object token) {
        if (node instanceof ArrayNode array) {
            int index = arrayIndex(token);
            if (index - array.size() > MAX_PADDING) {
                throw new InvalidPathException("'" + text + "' reaches too far beyond the end of an array");
            }
        }
    }

    /** An index into an array: a bracketed index, or a key that JavaScript would read as one ("1"). */
    private int arrayIndex(Object token) {
        if (token instanceof Integer index) {
            return index;
        }
        String key = (String) token;
        if (!key.isEmpty() && key.length() <= 7 && key.chars().allMatch(Character::isDigit)
                && (key.length() == 1 || key.charAt(0) != '0')) {
            return Integer.parseInt(key);
        }
        throw new InvalidPathException("'" + text + "' uses a key on an array");
    }

    private JsonNode child(JsonNode node, Object token) {
        if (node instanceof ArrayNode array) {
            int index = arrayIndex(token);
            return index < array.size() ? array.get(index) : null;
        }
        return node.get(token.toString());
    }

    private void put(JsonNode node, Object token, JsonNode value) {
        if (node instanceof ArrayNode array) {
            int index = arrayIndex(token);
            pad(array, index + 1);
            array.set(index, value);
        } else {
            ((ObjectNode) node).set(token.toString(), value);
        }
    }

    private static ArrayNode pad(ArrayNode array, int size) {
        while (array.size() < size) {
            array.addNull();
        }
        return array;
    }

    private static String key(String key, String path) {
        if (FORBIDDEN.contains(key)) {
            throw new InvalidPathException("'" + path + "' names '" + key + "'");
        }
        return key;
    }

    private static Integer index(String digits, String path) {
        int index;
        try {
            index = Integer.parseInt(digits.trim());
        } catch (NumberFormatException e) {
            throw new InvalidPathException("'" + path + "' has an index that is not a number: [" + digits + "]");
        }
        if (index < 0 || index > 10 * MAX_PADDING) {
            throw new InvalidPathException("'" + path + "' has an index out of range: " + index);
        }
        return index;
    }

    @Override
    public String toString() {
        return text;
    }

    /** A path the server refuses; the message says why. */
    public static final class InvalidPathException extends RuntimeException {
        InvalidPathException(String message) {
            super(message, null, false, false);
        }
    }
}
