package io.eddy.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.eddy.protocol.Topic;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server's timeouts, shortened so they show within seconds: connections silent for two 1 s heartbeat
 * intervals are closed, and a connection must log in within 1 s.
 */
@QuarkusTest
@TestProfile(ServerTimeoutsTest.ShortServerTimeouts.class)
class ServerTimeoutsTest extends ClientTestBase {

    public static final class ShortServerTimeouts implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("eddy.connection.heartbeat-interval", "1s",
                    "eddy.connection.unauthenticated-client-timeout", "1s");
        }
    }

    /** Long enough for the server to have checked three times; it closes after more than 2 s of silence. */
    private static final Duration IDLE = Duration.ofMillis(3500);

    @Test
    void heartbeatsKeepAnIdleConnectionOpen() {
        ClientRecorder recorder = new ClientRecorder();
        EddyClient idle = loggedIn(builder(recorder).heartbeatInterval(Duration.ofMillis(300)), "idle");
        BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
        Await.result(idle.event().subscribe("idle/event", events::add));

        Await.sleep(IDLE);

        assertEquals(List.of(ConnectionState.CHALLENGING, ConnectionState.AWAITING_AUTHENTICATION,
                ConnectionState.AUTHENTICATING, ConnectionState.OPEN), recorder.states(), "never reconnected");
        assertTrue(recorder.errors().isEmpty(), () -> "errors: " + recorder.errors());
        EddyClient other = loggedIn("other");
        other.event().emit("idle/event", "still there");
        assertEquals("still there", Await.next(events).textValue());
    }

    @Test
    void aClientSilentForTwoServerIntervalsIsDroppedAndReconnects() {
        ClientRecorder recorder = new ClientRecorder();
        EddyClient silent = loggedIn(builder(recorder).heartbeatInterval(Duration.ofSeconds(20)), "silent");
        BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
        Await.result(silent.event().subscribe("silent/event", events::add));

        recorder.awaitState(ConnectionState.RECONNECTING, 1, Await.TIMEOUT);
        recorder.awaitState(ConnectionState.OPEN, 2, Await.TIMEOUT);

        Await.result(silent.event().subscribe("silent/event/sync", d -> { }));
        EddyClient other = loggedIn(builder(new ClientRecorder()).heartbeatInterval(Duration.ofMillis(300)), "other");
        other.event().emit("silent/event", "restored");
        assertEquals("restored", Await.next(events).textValue());
    }

    @Test
    void aClientThatDoesNotLogInInTimeStopsWithoutReconnecting() {
        ClientRecorder recorder = new ClientRecorder();
        EddyClient client = track(builder(recorder).reconnectIntervalIncrement(Duration.ofMillis(50)).build());

        recorder.awaitState(ConnectionState.AUTHENTICATION_TIMEOUT, 1, Await.TIMEOUT);
        recorder.awaitError(Topic.CONNECTION, "AUTHENTICATION_TIMEOUT", Await.TIMEOUT);
        Await.sleep(Duration.ofMillis(200));

        assertEquals(ConnectionState.AUTHENTICATION_TIMEOUT, client.state());
        assertFalse(recorder.saw(ConnectionState.RECONNECTING), () -> "states: " + recorder.states());
        assertEquals("IS_CLOSED", Await.failure(client.login()).event());
    }
}
