package io.eddy.server.auth;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Lets everyone in, as deepstream's {@code type: none}: the user id is {@code authData.username} if set, else "open". */
public final class OpenAuthProvider implements AuthProvider {

    public static final String ANONYMOUS = "open";

    @Override
    public String name() {
        return "open";
    }

    @Override
    public CompletionStage<AuthResult> authenticate(JsonNode authData) {
        return CompletableFuture.completedFuture(new AuthResult.Accepted(userId(authData.get("username")), null, null));
    }

    /** JavaScript's {@code (username && username.toString()) || "open"}. */
    private static String userId(JsonNode username) {
        if (username == null || username.isNull() || username.isMissingNode()) {
            return ANONYMOUS;
        }
        if (username.isTextual()) {
            return username.textValue().isEmpty() ? ANONYMOUS : username.textValue();
        }
        if (username.isBoolean()) {
            return username.booleanValue() ? "true" : ANONYMOUS;
        }
        if (username.isNumber()) {
            double d = username.doubleValue();
            if (d == 0 || Double.isNaN(d)) {
                return ANONYMOUS;
            }
            return d == Math.rint(d) && Math.abs(d) < 1e21 ? Long.toString((long) d) : Double.toString(d);
        }
        return username.isArray() ? arrayText(username) : "[object Object]";
    }

    private static String arrayText(JsonNode array) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < array.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            JsonNode e = array.get(i);
            sb.append(e.isNull() ? "" : e.isValueNode() ? e.asText() : e.isArray() ? arrayText(e) : "[object Object]");
        }
        String s = sb.toString();
        return s.isEmpty() ? ANONYMOUS : s;
    }
}
