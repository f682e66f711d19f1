package io.eddy.client;

import com.fasterxml.jackson.databind.JsonNode;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Heartbeats against a server that closes connections silent for two of its 1 s heartbeat intervals, so the rule
 * shows within seconds.
 */
@QuarkusTest
@TestProfile(HeartbeatTest.ShortServerHeartbeat.class)
class HeartbeatTest extends ClientTestBase {

    public static final class ShortServerHeartbeat implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("eddy.connection.heartbeat-interval", "1s");
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
}
