package io.eddy.server.session;

import io.eddy.protocol.ConnectionAction;
import io.eddy.protocol.EventAction;
import io.eddy.protocol.Message;
import io.eddy.protocol.codec.MessageCodec;
import io.eddy.server.testing.RawClient;
import io.eddy.server.testing.WebSockets;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** A connection that floods the server is closed (1008); one at a normal pace, and everyone else, carries on. */
@QuarkusTest
@TestProfile(FloodTest.LowLimit.class)
class FloodTest {

    public static class LowLimit implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("eddy.connection.max-messages-per-second", "200");
        }
    }

    @TestHTTPResource("/deepstream")
    URI http;

    @Test
    void floodingConnectionIsClosedOthersAreNot() throws Exception {
        URI uri = WebSockets.ws(http);
        try (RawClient flooder = RawClient.login(uri, "flooder");
             RawClient steady = RawClient.login(uri, "steady");
             RawClient listener = RawClient.login(uri, "listener")) {
            listener.send(Message.of(EventAction.SUBSCRIBE).names(List.of("flood")).correlationId("0"));
            listener.expect(EventAction.SUBSCRIBE);
            byte[] emit = MessageCodec.encode(Message.of(EventAction.EMIT).name("flood").data("1"));
            for (int i = 0; i < 2000 && !flooder.isClosed(); i++) {
                flooder.trySendBytes(emit);
            }
            assertEquals(1008, flooder.awaitClose(RawClient.WAIT));
            for (int i = 0; i < 10; i++) { // 20 per second, well within the limit
                steady.send(Message.of(ConnectionAction.PING));
                steady.expect(ConnectionAction.PONG);
                Thread.sleep(50);
            }
            assertFalse(steady.isClosed());
            // the listener still gets events: a steady emit reaches it behind whatever the flooder got through
            steady.send(Message.of(EventAction.EMIT).name("flood").data("\"steady\""));
            listener.awaitMatching(m -> m.is(EventAction.EMIT) && "\"steady\"".equals(m.data()));
            assertFalse(listener.isClosed());
        }
    }
}
