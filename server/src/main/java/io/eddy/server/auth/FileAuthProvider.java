package io.eddy.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Users from a file in deepstream's users-file format (YAML or JSON):
 * <pre>
 * userA:
 *   password: "tsA+…hash…salt"      # see PasswordHash; clear text when the digest is "none"
 *   clientData: {favouriteColor: red}   # sent to the client with AUTH_SUCCESSFUL
 *   serverData: {role: admin}           # kept on the server for permission rules
 * </pre>
 * Hashing runs on the given executor because PBKDF2 is CPU work that must not hold up an I/O thread.
 */
public final class FileAuthProvider implements AuthProvider {

    static final String MISSING_PARAMETERS = "missing authentication parameter: username or/and password";

    public record User(String password, JsonNode clientData, JsonNode serverData) {
    }

    private final Map<String, User> users;
    private final PasswordHash hash;
    private final Executor executor;

    public FileAuthProvider(Map<String, User> users, PasswordHash hash, Executor executor) {
        this.users = Map.copyOf(users);
        this.hash = hash;
        this.executor = executor;
    }

    public static FileAuthProvider load(Path file, PasswordHash hash, Executor executor) {
        if (!Files.isReadable(file)) {
            throw new IllegalStateException("users file " + file.toAbsolutePath() + " is missing or unreadable"
                    + " (eddy.auth.file.path)");
        }
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalStateException("users file " + file.toAbsolutePath() + " is not valid YAML/JSON: "
                    + e.getMessage(), e);
        }
        if (root == null || !root.isObject() || root.isEmpty()) {
            throw new IllegalStateException("users file " + file.toAbsolutePath() + " holds no users");
        }
        Map<String, User> users = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode password = e.getValue().get("password");
            if (password == null || !password.isTextual()) {
                throw new IllegalStateException("users file " + file.toAbsolutePath() + ": user '" + e.getKey()
                        + "' has no password");
            }
            users.put(e.getKey(), new User(password.textValue(), nullIfAbsent(e.getValue().get("clientData")),
                    nullIfAbsent(e.getValue().get("serverData"))));
        }
        return new FileAuthProvider(users, hash, executor);
    }

    @Override
    public String name() {
        return "file";
    }

    @Override
    public CompletionStage<AuthResult> authenticate(JsonNode authData) {
        JsonNode username = authData.get("username");
        JsonNode password = authData.get("password");
        boolean hasUsername = username != null && username.isTextual();
        if (!hasUsername || password == null || !password.isTextual()) {
            ObjectNode reason = JsonNodeFactory.instance.objectNode().put("error", MISSING_PARAMETERS);
            boolean knownUser = hasUsername && users.containsKey(username.textValue());
            return CompletableFuture.completedFuture(
                    knownUser ? new AuthResult.Rejected(reason) : new AuthResult.NotApplicable(reason));
        }
        User user = users.get(username.textValue());
        if (user == null) {
            return CompletableFuture.completedFuture(new AuthResult.NotApplicable(null));
        }
        return CompletableFuture.supplyAsync(() -> hash.matches(password.textValue(), user.password())
                ? new AuthResult.Accepted(username.textValue(), user.clientData(), user.serverData())
                : new AuthResult.Rejected(null), executor);
    }

    private static JsonNode nullIfAbsent(JsonNode node) {
        return node == null || node.isNull() ? null : node;
    }
}
