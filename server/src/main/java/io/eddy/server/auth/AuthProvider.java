package io.eddy.server.auth;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.concurrent.CompletionStage;

/**
 * Checks the auth data a client sent with AUTH REQUEST (a JSON object, or an array as deepstream also lets through).
 * May complete on any thread; must not block the caller.
 */
public interface AuthProvider {

    String name();

    CompletionStage<AuthResult> authenticate(JsonNode authData);
}
