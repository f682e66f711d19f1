package io.eddy.protocol.json;

/**
 * Checks that a string is one complete JSON text (RFC 8259), as {@code JSON.parse} would accept it.
 * <p>
 * The official client JSON-parses every {@code data} field it receives and a parse error escapes as an uncaught
 * exception that ends a Node process, so relayed data is checked once, before fan-out. The check allocates nothing
 * but a small nesting stack and is iterative, so deep nesting cannot overflow the thread's stack.
 */
public final class JsonText {

    private final String s;
    private int pos;

    private JsonText(String s) {
        this.s = s;
    }

    /**
     * Replaces unpaired UTF-16 surrogates with {@code \\uXXXX} escapes, as JavaScript's JSON.stringify does. A JSON
     * serialiser may write them raw, and raw they cannot be encoded as UTF-8: the text would reach clients changed.
     * Returns the same string when there is nothing to escape (the common case, found by one scan).
     */
    public static String escapeLoneSurrogates(String json) {
        int n = json.length();
        int i = 0;
        while (i < n && !Character.isSurrogate(json.charAt(i))) {
            i++;
        }
        if (i == n) {
            return json;
        }
        StringBuilder sb = new StringBuilder(n + 16).append(json, 0, i);
        for (; i < n; i++) {
            char c = json.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(json.charAt(i + 1))) {
                sb.append(c).append(json.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    public static boolean isValid(String text) {
        if (text == null) {
            return false;
        }
        JsonText p = new JsonText(text);
        return p.document();
    }

    private boolean document() {
        // containers: '{' or '[' for each open level; 'expect' tells what may come next
        byte[] stack = new byte[16];
        int depth = 0;
        skipWhitespace();
        boolean needValue = true;
        while (true) {
            if (needValue) {
                if (pos >= s.length()) {
                    return false;
                }
                char c = s.charAt(pos);
                if (c == '{' || c == '[') {
                    pos++;
                    if (depth == stack.length) {
                        stack = java.util.Arrays.copyOf(stack, depth * 2);
                    }
                    stack[depth++] = (byte) c;
                    skipWhitespace();
                    char close = c == '{' ? '}' : ']';
                    if (pos < s.length() && s.charAt(pos) == close) {
                        pos++;
                        depth--;
                        needValue = false;
                    } else if (c == '{') {
                        if (!member()) {
                            return false;
                        }
                        continue;
                    } else {
                        continue; // first array element
                    }
                } else if (!scalar()) {
                    return false;
                } else {
                    needValue = false;
                }
            }
            // after a value: a separator, a closing bracket or the end
            skipWhitespace();
            if (depth == 0) {
                return pos == s.length();
            }
            if (pos >= s.length()) {
                return false;
            }
            char c = s.charAt(pos++);
            byte container = stack[depth - 1];
            if (c == ',') {
                skipWhitespace();
                if (container == '{' && !member()) {
                    return false;
                }
                needValue = true;
            } else if ((c == '}' && container == '{') || (c == ']' && container == '[')) {
                depth--;
            } else {
                return false;
            }
        }
    }

    /** A key and its colon; the value follows. */
    private boolean member() {
        if (pos >= s.length() || s.charAt(pos) != '"' || !string()) {
            return false;
        }
        skipWhitespace();
        if (pos >= s.length() || s.charAt(pos) != ':') {
            return false;
        }
        pos++;
        skipWhitespace();
        return true;
    }

    private boolean scalar() {
        char c = s.charAt(pos);
        return switch (c) {
            case '"' -> string();
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> number();
        };
    }

    private boolean literal(String word) {
        if (s.startsWith(word, pos)) {
            pos += word.length();
            return true;
        }
        return false;
    }

    private boolean string() {
        pos++; // opening quote
        int n = s.length();
        while (pos < n) {
            char c = s.charAt(pos++);
            if (c == '"') {
                return true;
            }
            if (c < 0x20) {
                return false;
            }
            if (c == '\\') {
                if (pos >= n) {
                    return false;
                }
                char e = s.charAt(pos++);
                switch (e) {
                    case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> { }
                    case 'u' -> {
                        for (int i = 0; i < 4; i++) {
                            if (pos >= n || Character.digit(s.charAt(pos++), 16) < 0) {
                                return false;
                            }
                        }
                    }
                    default -> {
                        return false;
                    }
                }
            }
        }
        return false;
    }

    private boolean number() {
        int n = s.length();
        if (pos < n && s.charAt(pos) == '-') {
            pos++;
        }
        if (pos >= n) {
            return false;
        }
        char c = s.charAt(pos);
        if (c == '0') {
            pos++;
        } else if (c >= '1' && c <= '9') {
            while (pos < n && isDigit(s.charAt(pos))) {
                pos++;
            }
        } else {
            return false;
        }
        if (pos < n && s.charAt(pos) == '.') {
            pos++;
            if (!digits()) {
                return false;
            }
        }
        if (pos < n && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
            pos++;
            if (pos < n && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
                pos++;
            }
            return digits();
        }
        return true;
    }

    private boolean digits() {
        int start = pos;
        while (pos < s.length() && isDigit(s.charAt(pos))) {
            pos++;
        }
        return pos > start;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private void skipWhitespace() {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                pos++;
            } else {
                return;
            }
        }
    }
}
