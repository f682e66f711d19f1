package io.eddy.server.auth;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Asks the configured providers in order. The first {@link AuthResult.Accepted} or {@link AuthResult.Rejected}
 * decides: unlike deepstream 7, a provider that knows a user and refuses the password is final, so a later open
 * provider cannot let that user in anyway.
 */
public final class AuthChain {

    private final List<AuthProvider> providers;

    public AuthChain(List<AuthProvider> providers) {
        if (providers.isEmpty()) {
            throw new IllegalArgumentException("at least one auth provider is required");
        }
        this.providers = List.copyOf(providers);
    }

    public List<AuthProvider> providers() {
        return providers;
    }

    /** Completes with Accepted or Rejected, never NotApplicable. */
    public CompletionStage<AuthResult> authenticate(JsonNode authData) {
        return ask(0, authData, null);
    }

    private CompletionStage<AuthResult> ask(int index, JsonNode authData, JsonNode firstReason) {
        if (index == providers.size()) {
            return CompletableFuture.completedFuture(new AuthResult.Rejected(firstReason));
        }
        return providers.get(index).authenticate(authData).thenCompose(result -> {
            if (result instanceof AuthResult.NotApplicable pass) {
                return ask(index + 1, authData, firstReason != null ? firstReason : pass.reason());
            }
            return CompletableFuture.completedFuture(result);
        });
    }
}
