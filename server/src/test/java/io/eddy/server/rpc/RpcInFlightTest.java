package io.eddy.server.rpc;

import io.eddy.protocol.Message;
import io.eddy.protocol.RpcAction;
import io.eddy.server.node.EddyNode;
import io.eddy.server.testing.RawClient;
import io.eddy.server.testing.WebSockets;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Thousands of RPCs in flight at once, each ending exactly once. Its own profile: with RpcTest's 500 ms accept timeout
 * the first calls could expire before the last reached the provider on a loaded machine, which says nothing about Eddy.
 */
@QuarkusTest
@TestProfile(RpcInFlightTest.LongerTimeouts.class)
class RpcInFlightTest {

    public static class LongerTimeouts implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("eddy.rpc.accept-timeout", "3s", "eddy.rpc.response-timeout", "10s");
        }
    }

    @TestHTTPResource("/deepstream")
    URI http;

    @Inject
    EddyNode node;

    private RawClient login(String user) {
        return RawClient.login(WebSockets.ws(http), user);
    }

    @Test
    void thousandsOfCallsInFlightAllEnd() {
        try (RawClient p = login("P"); RawClient c = login("C")) {
            String name = RpcTest.unique("many");
            RpcTest.provide(p, name);
            int calls = 3000;
            for (int i = 0; i < calls; i++) {
                c.send(RpcTest.request(name, "m" + i, Integer.toString(i)));
            }
            for (int i = 0; i < calls; i++) {
                p.expect(RpcAction.REQUEST);
            }
            assertTrue(node.rpc().callsInFlight() >= calls, "calls in flight: " + node.rpc().callsInFlight());
            // half answered, half left to time out
            for (int i = 0; i < calls; i += 2) {
                p.send(RpcTest.reply(RpcAction.RESPONSE, name, "m" + i).data(Integer.toString(i)));
            }
            Set<String> answered = new HashSet<>();
            Set<String> timedOut = new HashSet<>();
            for (int i = 0; i < calls; i++) {
                Message m = c.next(Duration.ofSeconds(10));
                int n = Integer.parseInt(m.correlationId().substring(1));
                if (m.is(RpcAction.RESPONSE)) {
                    assertEquals(0, n % 2, () -> "only even calls were answered: " + m);
                    assertEquals(Integer.toString(n), m.data());
                    answered.add(m.correlationId());
                } else {
                    assertTrue(m.is(RpcAction.ACCEPT_TIMEOUT), () -> "an unanswered call ends by timeout: " + m);
                    assertEquals(1, n % 2, () -> "only odd calls were left unanswered: " + m);
                    timedOut.add(m.correlationId());
                }
            }
            assertEquals(calls / 2, answered.size());
            assertEquals(calls / 2, timedOut.size());
            assertEquals(0, node.rpc().callsInFlight());
        }
    }
}
