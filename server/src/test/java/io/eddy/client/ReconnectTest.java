package io.eddy.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.eddy.protocol.EventAction;
import io.eddy.protocol.Message;
import io.eddy.protocol.Topic;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connection loss and recovery. The client under test reaches the server through a {@link TcpProxy}, which
 * breaks the network the way it breaks in production: resets, refused connections, a silent peer.
 */
@QuarkusTest
class ReconnectTest extends ClientTestBase {

    private static final Duration QUIET = Duration.ofMillis(300);

    private TcpProxy proxy;

    @BeforeEach
    void startProxy() throws IOException {
        proxy = new TcpProxy(serverPort());
    }

    @AfterEach
    void stopProxy() {
        proxy.close();
    }

    @Test
    void aDroppedConnectionIsReestablishedWithSubscriptionsAndListensRestored() {
        ClientRecorder recorder = new ClientRecorder();
        List<String> subscribeAcks = new CopyOnWriteArrayList<>();
        EddyClient client = loggedIn(builder(proxy.uri(), recorder).onMessage(m -> {
            if (m.is(EventAction.SUBSCRIBE) && m.isAck()) {
                subscribeAcks.add(m.correlationId());
            }
        }), "dropped");
        EddyClient other = loggedIn("other");
        BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
        BlockingQueue<String> matches = new LinkedBlockingQueue<>();
        BlockingQueue<String> stops = new LinkedBlockingQueue<>();
        Await.result(client.event().subscribe("restored/event", events::add));
        Await.result(client.event().listen("^restored/provided", (name, response) -> {
            matches.add(name);
            response.onStop(stops::add);
            response.accept();
        }));
        Await.result(other.event().subscribe("restored/provided", d -> { }));
        assertEquals("restored/provided", Await.next(matches));

        proxy.dropAll();

        assertEquals("restored/provided", Await.next(stops), "onStop runs when the connection is lost");
        recorder.awaitState(ConnectionState.OPEN, 2, Await.TIMEOUT);
        assertTrue(recorder.states().contains(ConnectionState.RECONNECTING), () -> "states: " + recorder.states());
        assertEquals("restored/provided", Await.next(matches), "the LISTEN was restored, and the name offered again");
        Await.until(() -> subscribeAcks.size() == 2, Await.TIMEOUT, () -> "the restored SUBSCRIBE's ack");
        assertEquals(List.of("0", "0"), subscribeAcks, "correlation ids start again at 0 on the new connection");
        other.event().emit("restored/event", "after the drop");
        assertEquals("after the drop", Await.next(events).textValue());
        assertEquals(2, proxy.links().size());
    }

    @Test
    void aSubscribeWaitingForItsAckWhenTheConnectionDropsCompletesAfterTheReconnect() {
        ClientRecorder recorder = new ClientRecorder();
        EddyClient client = loggedIn(builder(proxy.uri(), recorder), "pending");
        EddyClient other = loggedIn("other");
        BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();

        proxy.blackholeAll(); // the SUBSCRIBE reaches the server, its ack never comes back
        CompletableFuture<Void> subscribed = client.event().subscribe("pending/event", events::add);
        Await.sleep(Duration.ofMillis(100));
        assertFalse(subscribed.isDone());
        proxy.dropAll();

        Await.result(subscribed);
        other.event().emit("pending/event", 1);
        assertEquals(1, Await.next(events).intValue());
    }

    @Test
    void aLoginInterruptedByAConnectionLossIsAnsweredOnTheNextConnection() {
        ClientRecorder recorder = new ClientRecorder();
        EddyClient client = track(builder(proxy.uri(), recorder).build());
        recorder.awaitState(ConnectionState.AWAITING_AUTHENTICATION, 1, Await.TIMEOUT);

        proxy.blackholeAll(); // the AUTH REQUEST reaches the server, the answer does not come back
        CompletableFuture<LoginResult> login = client.login(java.util.Map.of("username", "userA", "password", "pwA"));
        recorder.awaitState(ConnectionState.AUTHENTICATING, 1, Await.TIMEOUT);
        Await.sleep(Duration.ofMillis(100));
        assertFalse(login.isDone());
        proxy.dropAll();

        LoginResult result = Await.result(login);
        assertTrue(result.isSuccess());
        assertEquals("red", result.clientData().path("favouriteColor").textValue());
        assertEquals(2, proxy.links().size());
    }

    @Test
    void emitsMadeWhileOfflineAreSentAfterTheReconnect() {
        ClientRecorder recorder = new ClientRecorder();
        EddyClient client = loggedIn(builder(proxy.uri(), recorder)
                .reconnectIntervalIncrement(Duration.ofMillis(300)), "offline");
        EddyClient other = loggedIn("other");
        BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
        Await.result(other.event().subscribe("offline/buffered", events::add));

        proxy.refuse(true);
        proxy.dropAll();
        recorder.awaitState(ConnectionState.RECONNECTING, 1, Await.TIMEOUT);
        for (int i = 0; i < 3; i++) {
            client.event().emit("offline/buffered", i);
        }
        Await.until(() -> proxy.refusedCount() >= 1, Await.TIMEOUT, () -> "the immediate reconnect attempt");
        Await.nothing(events, Duration.ofMillis(100));
        proxy.refuse(false);

        for (int i = 0; i < 3; i++) {
            assertEquals(i, Await.next(events).intValue());
        }
        assertEquals(ConnectionState.OPEN, client.state());
        recorder.awaitError(Topic.CONNECTION, "CONNECTION_ERROR", Await.TIMEOUT);
    }

    @Test
    void offlineEmitsThatWaitTooLongAreDroppedAsClientOffline() {
        ClientRecorder recorder = new ClientRecorder();
        EddyClient client = loggedIn(builder(proxy.uri(), recorder)
                .reconnectIntervalIncrement(Duration.ofMillis(800))
                .offlineBufferTimeout(Duration.ofMillis(200)), "offline");
        EddyClient other = loggedIn("other");
        BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
        Await.result(other.event().subscribe("offline/late", events::add));

        proxy.refuse(true);
        proxy.dropAll();
        recorder.awaitState(ConnectionState.RECONNECTING, 1, Await.TIMEOUT);
        client.event().emit("offline/late", "too late");

        assertEquals("offline/late", recorder.awaitError(Topic.EVENT, "CLIENT_OFFLINE", Await.TIMEOUT).detail());
        proxy.refuse(false);
        recorder.awaitState(ConnectionState.OPEN, 2, Await.TIMEOUT);
        Await.nothing(events, QUIET);
    }

    @Test
    void theClientGivesUpAfterItsReconnectAttempts() {
        ClientRecorder recorder = new ClientRecorder();
        EddyClient client = loggedIn(builder(proxy.uri(), recorder)
                .maxReconnectAttempts(2)
                .reconnectIntervalIncrement(Duration.ofMillis(50)), "doomed");

        proxy.refuse(true);
        proxy.dropAll();

        recorder.awaitState(ConnectionState.ERROR, 1, Await.TIMEOUT);
        assertEquals("2", recorder.awaitError(Topic.CONNECTION, "MAX_RECONNECTION_ATTEMPTS_REACHED",
                Await.TIMEOUT).detail());
        assertEquals(2, proxy.refusedCount());
        Await.sleep(Duration.ofMillis(200));
        assertEquals(2, proxy.refusedCount(), "no attempt after giving up");
        assertEquals("IS_CLOSED", Await.failure(client.event().subscribe("x", d -> { })).event());
    }

    @Test
    void aConnectionClosedByTheServerIsReestablished() {
        ClientRecorder recorder = new ClientRecorder();
        EddyClient client = loggedIn(builder(recorder), "oversized");
        EddyClient other = loggedIn("other");
        BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
        Await.result(client.event().subscribe("server/closed", events::add));

        // bigger than the server's 1 MiB frame limit: the server closes the connection (1009)
        client.send(new Message(Topic.EVENT, EventAction.EMIT.code()).name("huge")
                .data("\"" + "x".repeat(2 * 1024 * 1024) + "\""));

        recorder.awaitState(ConnectionState.RECONNECTING, 1, Await.TIMEOUT);
        recorder.awaitState(ConnectionState.OPEN, 2, Await.TIMEOUT);
        Await.result(client.event().subscribe("server/closed/sync", d -> { })); // acked: the restore went first
        other.event().emit("server/closed", "back");
        assertEquals("back", Await.next(events).textValue());
    }

    @Test
    void whenTheServerFallsSilentTheHeartbeatTimesOutAndTheClientReconnects() {
        ClientRecorder recorder = new ClientRecorder();
        EddyClient client = loggedIn(builder(proxy.uri(), recorder)
                .heartbeatInterval(Duration.ofMillis(200)), "heartbeat");
        EddyClient other = loggedIn("other");
        BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
        Await.result(client.event().subscribe("silent/server", events::add));

        proxy.blackholeAll();

        recorder.awaitError(Topic.CONNECTION, "HEARTBEAT_TIMEOUT", Await.TIMEOUT);
        recorder.awaitState(ConnectionState.OPEN, 2, Await.TIMEOUT);
        Await.result(client.event().subscribe("silent/server/sync", d -> { }));
        other.event().emit("silent/server", "heard");
        assertEquals("heard", Await.next(events).textValue());
    }

    @Test
    void requestsWithoutAcknowledgementTimeOut() {
        ClientRecorder recorder = new ClientRecorder();
        EddyClient client = loggedIn(builder(proxy.uri(), recorder)
                .subscriptionTimeout(Duration.ofMillis(300)), "unacked");

        proxy.blackholeAll();
        EddyClientException subscribe = Await.failure(client.event().subscribe("unacked/event", d -> { }));
        EddyClientException listen = Await.failure(client.event().listen("^unacked/", (n, r) -> { }));

        assertEquals("ACK_TIMEOUT", subscribe.event());
        assertEquals("ACK_TIMEOUT", listen.event());
        ClientRecorder.Error error = recorder.awaitError(Topic.EVENT, "ACK_TIMEOUT", Await.TIMEOUT);
        assertEquals("SUBSCRIBE 0 [unacked/event]", error.detail());
        assertEquals(ConnectionState.OPEN, client.state());
    }
}
