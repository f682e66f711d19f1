package io.eddy.server.auth;

import com.fasterxml.jackson.databind.JsonNode;

/** What one provider says about a login attempt. */
public sealed interface AuthResult {

    /** The user is who they claim; {@code clientData} goes to the client, {@code serverData} stays on the server. */
    record Accepted(String userId, JsonNode clientData, JsonNode serverData) implements AuthResult {
    }

    /** The provider knows this user and refuses the attempt; no later provider is asked. */
    record Rejected(JsonNode clientData) implements AuthResult {
    }

    /** Not this provider's user; the next provider decides. {@code reason} is reported if nobody accepts. */
    record NotApplicable(JsonNode reason) implements AuthResult {
    }
}
