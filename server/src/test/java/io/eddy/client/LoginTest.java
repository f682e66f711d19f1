package io.eddy.client;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.eddy.protocol.Topic;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
class LoginTest extends ClientTestBase {

    @Test
    void openAuthLogsInWithAUsernameAndSendsNoClientData() {
        ClientRecorder recorder = new ClientRecorder();
        EddyClient client = track(builder(recorder).build());

        LoginResult result = Await.result(client.login(Map.of("username", "alice")));

        assertTrue(result.isSuccess());
        assertTrue(result.clientData().isMissingNode(), "open auth has no clientData");
        assertEquals(ConnectionState.OPEN, client.state());
        assertEquals(java.util.List.of(ConnectionState.CHALLENGING, ConnectionState.AWAITING_AUTHENTICATION,
                ConnectionState.AUTHENTICATING, ConnectionState.OPEN), recorder.states());
        assertTrue(recorder.errors().isEmpty(), () -> "errors: " + recorder.errors());
    }

    @Test
    void loginWithoutAuthDataIsAnonymousOpenAuth() {
        EddyClient client = track(builder(new ClientRecorder()).build());

        assertTrue(Await.result(client.login()).isSuccess());
    }

    @Test
    void fileAuthReturnsTheUsersClientData() {
        EddyClient client = track(builder(new ClientRecorder()).build());

        LoginResult result = Await.result(client.login(JsonNodeFactory.instance.objectNode()
                .put("username", "userA").put("password", "pwA")));

        assertTrue(result.isSuccess());
        assertEquals("{\"favouriteColor\":\"red\"}", result.clientData().toString());
    }

    @Test
    void wrongPasswordFailsWithInvalidAuthenticationDetailsAndMayBeRetried() {
        ClientRecorder recorder = new ClientRecorder();
        EddyClient client = track(builder(recorder).build());

        LoginResult refused = Await.result(client.login(Map.of("username", "userB", "password", "wrong")));
        assertFalse(refused.isSuccess());
        assertEquals(LoginResult.INVALID_AUTHENTICATION_DETAILS, refused.reason().textValue());
        assertEquals(ConnectionState.AWAITING_AUTHENTICATION, client.state());

        LoginResult accepted = Await.result(client.login(Map.of("username", "userB", "password", "pwB")));
        assertTrue(accepted.isSuccess(), accepted::toString);
        assertEquals(ConnectionState.OPEN, client.state());
    }

    @Test
    void missingPasswordFailsWithTheProvidersReason() {
        EddyClient client = track(builder(new ClientRecorder()).build());

        LoginResult refused = Await.result(client.login(Map.of("username", "userB")));

        assertFalse(refused.isSuccess());
        assertEquals("missing authentication parameter: username or/and password",
                refused.reason().path("error").textValue());
    }

    @Test
    void threeRefusalsEndInTooManyAuthAttemptsWithoutReconnecting() {
        ClientRecorder recorder = new ClientRecorder();
        EddyClient client = track(builder(recorder).reconnectIntervalIncrement(Duration.ofMillis(50)).build());

        for (int i = 1; i <= 3; i++) {
            LoginResult refused = Await.result(client.login(Map.of("username", "userB", "password", "wrong" + i)));
            assertFalse(refused.isSuccess(), "attempt " + i);
        }

        recorder.awaitError(Topic.AUTH, "TOO_MANY_AUTH_ATTEMPTS", Await.TIMEOUT);
        recorder.awaitState(ConnectionState.TOO_MANY_AUTH_ATTEMPTS, 1, Await.TIMEOUT);
        Await.sleep(Duration.ofMillis(300)); // time in which a reconnect would have happened
        assertEquals(ConnectionState.TOO_MANY_AUTH_ATTEMPTS, client.state());
        assertFalse(recorder.saw(ConnectionState.RECONNECTING), () -> "states: " + recorder.states());

        EddyClientException late = Await.failure(client.login(Map.of("username", "userB", "password", "pwB")));
        assertEquals("IS_CLOSED", late.event());
    }

    @Test
    void closeStopsTheClientForGood() {
        ClientRecorder recorder = new ClientRecorder();
        EddyClient client = track(builder(recorder).reconnectIntervalIncrement(Duration.ofMillis(50)).build());
        Await.result(client.login());

        client.close();

        recorder.awaitState(ConnectionState.CLOSED, 1, Await.TIMEOUT);
        Await.sleep(Duration.ofMillis(200));
        assertEquals(ConnectionState.CLOSED, client.state());
        assertFalse(recorder.saw(ConnectionState.RECONNECTING));
        assertEquals("IS_CLOSED", Await.failure(client.event().subscribe("x", d -> { })).event());
    }
}
