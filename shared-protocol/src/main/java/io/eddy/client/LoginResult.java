package io.eddy.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.Objects;

/**
 * The server's answer to a login.
 * <ul>
 * <li>success: {@link #clientData()} is the auth provider's clientData, or a {@link MissingNode} when the server
 *     sent none;</li>
 * <li>failure: {@link #reason()} is what the JavaScript client hands to its login callback — the data of
 *     AUTH_UNSUCCESSFUL when the server sent some (e.g. {@code {"error":"missing authentication parameter…"}}),
 *     otherwise the text {@value #INVALID_AUTHENTICATION_DETAILS}.</li>
 * </ul>
 */
public final class LoginResult {

    /** The reason of a refusal that came without data, as the JavaScript client reports it. */
    public static final String INVALID_AUTHENTICATION_DETAILS = "INVALID_AUTHENTICATION_DETAILS";

    private final boolean success;
    private final JsonNode data;

    private LoginResult(boolean success, JsonNode data) {
        this.success = success;
        this.data = Objects.requireNonNull(data, "data");
    }

    /** A successful login; a null {@code clientData} reads as {@link MissingNode}. */
    public static LoginResult success(JsonNode clientData) {
        return new LoginResult(true, clientData == null ? MissingNode.getInstance() : clientData);
    }

    /** A refused login; a null {@code reason} reads as {@value #INVALID_AUTHENTICATION_DETAILS}. */
    public static LoginResult failure(JsonNode reason) {
        return new LoginResult(false, reason == null ? TextNode.valueOf(INVALID_AUTHENTICATION_DETAILS) : reason);
    }

    public boolean isSuccess() {
        return success;
    }

    /** The clientData of a successful login; a {@link MissingNode} for a failed one or when none was sent. */
    public JsonNode clientData() {
        return success ? data : MissingNode.getInstance();
    }

    /** Why the login failed; a {@link MissingNode} for a successful one. */
    public JsonNode reason() {
        return success ? MissingNode.getInstance() : data;
    }

    @Override
    public String toString() {
        if (success) {
            return data.isMissingNode() ? "login succeeded" : "login succeeded, clientData " + data;
        }
        return "login failed: " + data;
    }
}
