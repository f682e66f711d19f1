package io.eddy.client;

import com.fasterxml.jackson.databind.JsonNode;

/** The callback form of {@link Rpcs#make(String, Object, RpcResultCallback)}. Runs on the client's I/O thread. */
@FunctionalInterface
public interface RpcResultCallback {

    /**
     * @param result the provider's answer when the call succeeded, else null
     * @param error  why the call failed (see {@link Rpcs#make(String, Object)}), else null
     */
    void onResult(JsonNode result, EddyClientException error);
}
