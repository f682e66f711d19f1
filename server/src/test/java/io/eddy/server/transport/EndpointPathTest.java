package io.eddy.server.transport;

import io.eddy.protocol.ConnectionAction;
import io.eddy.protocol.Message;
import io.eddy.server.testing.RawClient;
import io.eddy.server.testing.WebSockets;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** eddy.server.path moves the endpoint; the health check stays where deepstream has it. */
@QuarkusTest
@TestProfile(EndpointPathTest.CustomPath.class)
class EndpointPathTest {

    public static class CustomPath implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("eddy.server.path", "/realtime/ws");
        }
    }

    @TestHTTPResource("/realtime/ws")
    URI custom;

    @TestHTTPResource("/deepstream")
    URI standard;

    @TestHTTPResource("/health-check")
    URI health;

    @Test
    void endpointAnswersOnTheConfiguredPathOnly() {
        try (RawClient c = RawClient.login(WebSockets.ws(custom), "moved")) {
            c.send(Message.of(ConnectionAction.PING));
            c.expect(ConnectionAction.PONG);
        }
        assertThrows(RuntimeException.class, () -> RawClient.connect(WebSockets.ws(standard)));
    }

    @Test
    void queryStringsAreFine() {
        try (RawClient c = RawClient.login(URI.create(WebSockets.ws(custom) + "?c=alice"), "query")) {
            c.send(Message.of(ConnectionAction.PING));
            c.expect(ConnectionAction.PONG);
        }
    }

    @Test
    void healthCheckAnswers200() throws Exception {
        HttpResponse<Void> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(health).build(),
                HttpResponse.BodyHandlers.discarding());
        assertEquals(200, r.statusCode());
    }
}
