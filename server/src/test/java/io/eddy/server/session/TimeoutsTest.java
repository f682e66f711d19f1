package io.eddy.server.session;

import io.eddy.protocol.AuthAction;
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
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Auth timeout and heartbeat closes, on a server with short intervals (heartbeat 1 s, auth timeout 2 s). */
@QuarkusTest
@TestProfile(TimeoutsTest.ShortTimeouts.class)
class TimeoutsTest {

    public static class ShortTimeouts implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("eddy.connection.heartbeat-interval", "1s",
                    "eddy.connection.unauthenticated-client-timeout", "2s");
        }
    }

    @TestHTTPResource("/deepstream")
    URI http;

    @Test
    void clientThatNeverLogsInGetsAuthenticationTimeout() {
        try (RawClient c = RawClient.connect(WebSockets.ws(http))) {
            long start = System.nanoTime();
            c.challenge();
            assertTrue(pingUntil(c).is(ConnectionAction.AUTHENTICATION_TIMEOUT));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms >= 1800 && ms < 4000, "timed out after " + ms + " ms, configured 2000");
            c.awaitClose(RawClient.WAIT);
        }
    }

    @Test
    void aFailedAttemptStartsAFreshAuthTimeout() {
        // deepstream 7.0.2 cancels the timer on the first auth result, even a failure, so a client can sit
        // unauthenticated for ever after one wrong password; Eddy gives each failure a fresh window instead
        try (RawClient c = RawClient.connect(WebSockets.ws(http))) {
            c.challenge();
            sleep(1200);
            c.send(Message.of(AuthAction.REQUEST).data("{\"username\":\"userA\",\"password\":\"wrong\"}"));
            c.expect(AuthAction.AUTH_UNSUCCESSFUL);
            long failed = System.nanoTime();
            assertTrue(pingUntil(c).is(ConnectionAction.AUTHENTICATION_TIMEOUT));
            long ms = (System.nanoTime() - failed) / 1_000_000;
            assertTrue(ms >= 1800 && ms < 4000, "timed out " + ms + " ms after the failure, configured 2000");
            c.awaitClose(RawClient.WAIT);
        }
    }

    @Test
    void loggedInClientIsNotTimedOut() {
        try (RawClient c = RawClient.login(WebSockets.ws(http), "pinger")) {
            for (int i = 0; i < 8; i++) { // 4 s: twice the auth timeout and four heartbeat intervals
                c.send(Message.of(ConnectionAction.PING));
                c.expect(ConnectionAction.PONG);
                sleep(500);
            }
            assertFalse(c.isClosed());
        }
    }

    @Test
    void silentClientIsClosedAfterTwoHeartbeatIntervals() {
        try (RawClient c = RawClient.login(WebSockets.ws(http), "silent")) {
            long start = System.nanoTime();
            c.awaitClose(Duration.ofSeconds(6));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms >= 1900 && ms <= 3600, "closed after " + ms + " ms; expected between 2 and 3 intervals");
        }
    }

    /**
     * Keeps the connection alive as the official client does (PING every heartbeat, unanswered before login) until
     * the server says something, so that the heartbeat check cannot be what ends it.
     */
    private static Message pingUntil(RawClient c) {
        for (int i = 0; i < 20; i++) {
            c.send(Message.of(ConnectionAction.PING));
            Message m = c.poll(Duration.ofMillis(400));
            if (m != null) {
                return m;
            }
        }
        throw new AssertionError("the server said nothing within 8 s");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
