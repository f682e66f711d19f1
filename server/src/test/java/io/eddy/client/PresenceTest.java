package io.eddy.client;

import io.eddy.protocol.Message;
import io.eddy.protocol.PresenceAction;
import io.eddy.protocol.Topic;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Presence between clients (presence.md): joins and leaves for everybody and per user, one join and one leave for
 * a user with two connections, the queries, unsubscribing, and subscriptions and queries across a reconnect.
 * Every test uses user names of its own, and callbacks for everybody only record those, because users of other
 * tests may come and go on the same server meanwhile.
 */
@QuarkusTest
class PresenceTest extends ClientTestBase {

    private static final Duration QUIET = Duration.ofMillis(300);

    /** Names of one test: {@code alice-<token>} …; {@link #recorder} keeps only changes of these users. */
    private final String token = UUID.randomUUID().toString().substring(0, 8);

    private String user(String name) {
        return name + "-" + token;
    }

    /** A callback that records "user online|offline" for this test's users. */
    private PresenceCallback recorder(BlockingQueue<String> changes) {
        return (user, online) -> {
            if (user.endsWith(token)) {
                changes.add(user + (online ? " online" : " offline"));
            }
        };
    }

    /** Counts the acknowledgements of one PRESENCE action a client receives. */
    private static List<Message> acksOf(EddyClient client, PresenceAction action) {
        List<Message> acks = new CopyOnWriteArrayList<>();
        client.onMessage(m -> {
            if (m.is(action) && m.isAck()) {
                acks.add(m);
            }
        });
        return acks;
    }

    @Test
    void joinsAndLeavesReachTheCallbacksForEverybodyAndForTheUser() {
        String bob = user("bob");
        String carol = user("carol");
        EddyClient alice = loggedIn(user("alice"));
        BlockingQueue<String> everybody = new LinkedBlockingQueue<>();
        BlockingQueue<String> ofBob = new LinkedBlockingQueue<>();
        Await.result(alice.presence().subscribe(recorder(everybody)));
        Await.result(alice.presence().subscribe(bob, recorder(ofBob)));

        EddyClient bobClient = loggedIn(bob);
        assertEquals(bob + " online", Await.next(everybody));
        assertEquals(bob + " online", Await.next(ofBob));
        EddyClient carolClient = loggedIn(carol);
        assertEquals(carol + " online", Await.next(everybody));
        bobClient.close();
        assertEquals(bob + " offline", Await.next(everybody));
        assertEquals(bob + " offline", Await.next(ofBob));
        carolClient.close();
        assertEquals(carol + " offline", Await.next(everybody));

        Await.nothing(ofBob, QUIET); // carol was never reported to bob's callback
    }

    @Test
    void aUserWithTwoConnectionsJoinsOnceAndLeavesWhenBothAreClosed() {
        String bob = user("bob");
        EddyClient alice = loggedIn(user("alice"));
        BlockingQueue<String> everybody = new LinkedBlockingQueue<>();
        BlockingQueue<String> ofBob = new LinkedBlockingQueue<>();
        Await.result(alice.presence().subscribe(recorder(everybody)));
        Await.result(alice.presence().subscribe(bob, recorder(ofBob)));

        EddyClient bob1 = loggedIn(bob);
        assertEquals(bob + " online", Await.next(everybody));
        assertEquals(bob + " online", Await.next(ofBob));
        EddyClient bob2 = loggedIn(bob);
        Await.nothing(everybody, QUIET);
        bob1.close();
        Await.nothing(everybody, QUIET);
        assertEquals(Map.of(bob, true), Await.result(alice.presence().getAll(List.of(bob))), "still online");
        bob2.close();

        assertEquals(bob + " offline", Await.next(everybody));
        assertEquals(bob + " offline", Await.next(ofBob));
        Await.nothing(ofBob, QUIET);
        assertTrue(ofBob.isEmpty() && everybody.isEmpty());
    }

    @Test
    void subscriptionsMadeBeforeLoginGoOutWithTheLogin() {
        String bob = user("bob");
        EddyClient alice = track(builder(new ClientRecorder()).build());
        BlockingQueue<String> everybody = new LinkedBlockingQueue<>();
        BlockingQueue<String> ofBob = new LinkedBlockingQueue<>();
        CompletableFuture<Void> all = alice.presence().subscribe(recorder(everybody));
        CompletableFuture<Void> one = alice.presence().subscribe(bob, recorder(ofBob));
        Await.sleep(Duration.ofMillis(100));
        assertFalse(all.isDone() || one.isDone());

        assertTrue(Await.result(alice.login(Map.of("username", user("alice")))).isSuccess());
        Await.result(all);
        Await.result(one);
        loggedIn(bob);

        assertEquals(bob + " online", Await.next(everybody));
        assertEquals(bob + " online", Await.next(ofBob));
    }

    @Test
    void getAllListsTheOtherUsersOnline() {
        String aliceName = user("alice");
        String bob = user("bob");
        String carol = user("carol");
        EddyClient alice = loggedIn(aliceName);
        loggedIn(bob);
        EddyClient carolClient = loggedIn(carol);

        List<String> online = Await.result(alice.presence().getAll());
        assertTrue(online.contains(bob) && online.contains(carol), () -> "online: " + online);
        assertFalse(online.contains(aliceName), "the asking user is left out");

        carolClient.close();
        Await.until(() -> !Await.result(alice.presence().getAll()).contains(carol), Await.TIMEOUT,
                () -> carol + " gone");
        assertTrue(Await.result(alice.presence().getAll()).contains(bob));
    }

    @Test
    void getAllOfNamedUsersSaysForEachWhetherItIsOnline() {
        String aliceName = user("alice");
        String bob = user("bob");
        String dave = user("dave");
        EddyClient alice = loggedIn(aliceName);
        loggedIn(bob);

        Map<String, Boolean> result = Await.result(alice.presence().getAll(List.of(bob, dave, aliceName, bob)));

        Map<String, Boolean> expected = new LinkedHashMap<>();
        expected.put(bob, true);
        expected.put(dave, false);
        expected.put(aliceName, true);
        assertEquals(expected, result);
        assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(result.keySet()), "in the order asked");
        assertEquals(Map.of(), Await.result(alice.presence().getAll(List.of())));
    }

    @Test
    void queriesInARowAreEachAnsweredInTurn() {
        String bob = user("bob");
        EddyClient alice = loggedIn(user("alice"));
        List<CompletableFuture<List<String>>> all = new ArrayList<>();
        List<CompletableFuture<Map<String, Boolean>>> named = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            all.add(alice.presence().getAll());
            named.add(alice.presence().getAll(List.of(bob)));
        }
        EddyClient bobClient = loggedIn(bob);
        List<CompletableFuture<List<String>>> later = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            later.add(alice.presence().getAll());
        }

        for (int i = 0; i < 20; i++) {
            assertFalse(Await.result(all.get(i)).contains(bob), "asked before bob logged in");
            assertEquals(Map.of(bob, false), Await.result(named.get(i)));
        }
        for (CompletableFuture<List<String>> query : later) {
            assertTrue(Await.result(query).contains(bob));
        }
        assertTrue(bobClient.state() == ConnectionState.OPEN);
    }

    @Test
    void unsubscribingRemovesCallbacksAndTheLastOneTellsTheServer() {
        String bob = user("bob");
        String carol = user("carol");
        EddyClient alice = loggedIn(user("alice"));
        // still subscribed throughout: shows that each change below was announced
        BlockingQueue<String> control = new LinkedBlockingQueue<>();
        Await.result(loggedIn(user("control")).presence().subscribe(recorder(control)));
        List<Message> unsubscribeAcks = acksOf(alice, PresenceAction.UNSUBSCRIBE);
        List<Message> unsubscribeAllAcks = acksOf(alice, PresenceAction.UNSUBSCRIBE_ALL);
        List<Message> subscribeAllAcks = acksOf(alice, PresenceAction.SUBSCRIBE_ALL);
        BlockingQueue<String> first = new LinkedBlockingQueue<>();
        BlockingQueue<String> second = new LinkedBlockingQueue<>();
        BlockingQueue<String> everybody1 = new LinkedBlockingQueue<>();
        BlockingQueue<String> everybody2 = new LinkedBlockingQueue<>();
        PresenceCallback firstOfBob = recorder(first);
        PresenceCallback secondOfBob = recorder(second);
        PresenceCallback global1 = recorder(everybody1);
        PresenceCallback global2 = recorder(everybody2);
        Await.result(alice.presence().subscribe(bob, firstOfBob));
        Await.result(alice.presence().subscribe(bob, secondOfBob));
        Await.result(alice.presence().subscribe(global1));
        Await.result(alice.presence().subscribe(global2));
        assertEquals(1, subscribeAllAcks.size(), "one SUBSCRIBE_ALL for both callbacks");

        Await.result(alice.presence().unsubscribe(bob, firstOfBob));
        Await.result(alice.presence().unsubscribe(global1));
        EddyClient bobClient = loggedIn(bob);
        assertEquals(bob + " online", Await.next(control));
        assertEquals(bob + " online", Await.next(second));
        assertEquals(bob + " online", Await.next(everybody2));
        assertTrue(first.isEmpty() && everybody1.isEmpty());
        assertEquals(List.of(), unsubscribeAcks, "the user still has a callback");
        assertEquals(List.of(), unsubscribeAllAcks, "everybody still has a callback");

        Await.result(alice.presence().unsubscribe(bob, secondOfBob));
        Await.result(alice.presence().unsubscribe(global2));
        assertEquals(1, unsubscribeAcks.size());
        assertEquals(1, unsubscribeAllAcks.size());
        bobClient.close();
        loggedIn(carol);
        assertEquals(Set.of(bob + " offline", carol + " online"), Set.of(Await.next(control), Await.next(control)));
        Await.nothing(second, QUIET);
        Await.nothing(everybody2, Duration.ZERO);

        // everything at once: one UNSUBSCRIBE for all users and one UNSUBSCRIBE_ALL
        BlockingQueue<String> all = new LinkedBlockingQueue<>();
        Await.result(alice.presence().subscribe(bob, recorder(all)));
        Await.result(alice.presence().subscribe(carol, recorder(all)));
        Await.result(alice.presence().subscribe(recorder(all)));
        Await.result(alice.presence().unsubscribe());
        assertEquals(2, unsubscribeAcks.size());
        assertEquals(2, unsubscribeAllAcks.size());
        loggedIn(bob);
        assertEquals(bob + " online", Await.next(control));
        Await.nothing(all, QUIET);
    }

    @Test
    void subscriptionsAreRestoredAfterAReconnect() throws IOException {
        try (TcpProxy proxy = new TcpProxy(serverPort())) {
            String bob = user("bob");
            ClientRecorder recorder = new ClientRecorder();
            EddyClient alice = loggedIn(builder(proxy.uri(), recorder), user("alice"));
            List<Message> subscribeAcks = acksOf(alice, PresenceAction.SUBSCRIBE);
            List<Message> subscribeAllAcks = acksOf(alice, PresenceAction.SUBSCRIBE_ALL);
            BlockingQueue<String> everybody = new LinkedBlockingQueue<>();
            BlockingQueue<String> ofBob = new LinkedBlockingQueue<>();
            Await.result(alice.presence().subscribe(recorder(everybody)));
            Await.result(alice.presence().subscribe(bob, recorder(ofBob)));

            proxy.dropAll();

            recorder.awaitState(ConnectionState.OPEN, 2, Await.TIMEOUT);
            Await.until(() -> subscribeAcks.size() == 2 && subscribeAllAcks.size() == 2, Await.TIMEOUT,
                    () -> "the restoring SUBSCRIBE and SUBSCRIBE_ALL acks");
            assertEquals("0", subscribeAcks.get(1).correlationId(), "counting from 0 again");
            loggedIn(bob);
            assertEquals(bob + " online", Await.next(everybody));
            assertEquals(bob + " online", Await.next(ofBob));
        }
    }

    @Test
    void queriesMadeOfflineAreSentAfterTheNextLoginAndThoseUnderWayFail() throws IOException {
        try (TcpProxy proxy = new TcpProxy(serverPort())) {
            String bob = user("bob");
            ClientRecorder recorder = new ClientRecorder();
            EddyClient alice = loggedIn(builder(proxy.uri(), recorder)
                    .reconnectIntervalIncrement(Duration.ofMillis(300)), user("alice"));
            loggedIn(bob);

            proxy.blackholeAll(); // the queries reach the server, their answers never come back
            CompletableFuture<List<String>> underWay = alice.presence().getAll();
            CompletableFuture<Map<String, Boolean>> namedUnderWay = alice.presence().getAll(List.of(bob));
            Await.sleep(Duration.ofMillis(100));
            proxy.refuse(true);
            proxy.dropAll();
            assertEquals("CLIENT_OFFLINE", Await.failure(underWay).event());
            assertEquals("CLIENT_OFFLINE", Await.failure(namedUnderWay).event());

            recorder.awaitState(ConnectionState.RECONNECTING, 1, Await.TIMEOUT);
            CompletableFuture<List<String>> offline = alice.presence().getAll();
            CompletableFuture<Map<String, Boolean>> namedOffline = alice.presence().getAll(List.of(bob));
            Await.until(() -> proxy.refusedCount() >= 1, Await.TIMEOUT, () -> "the immediate reconnect attempt");
            assertFalse(offline.isDone());
            proxy.refuse(false);

            assertTrue(Await.result(offline).contains(bob));
            assertEquals(Map.of(bob, true), Await.result(namedOffline));
            assertTrue(recorder.errors().stream().noneMatch(e -> e.topic() == Topic.PRESENCE),
                    () -> "errors: " + recorder.errors());
        }
    }

    @Test
    void queriesThatWaitOfflineTooLongFailWithClientOffline() throws IOException {
        try (TcpProxy proxy = new TcpProxy(serverPort())) {
            ClientRecorder recorder = new ClientRecorder();
            EddyClient alice = loggedIn(builder(proxy.uri(), recorder)
                    .reconnectIntervalIncrement(Duration.ofMillis(1000))
                    .offlineBufferTimeout(Duration.ofMillis(200)), user("alice"));

            proxy.refuse(true);
            proxy.dropAll();
            recorder.awaitState(ConnectionState.RECONNECTING, 1, Await.TIMEOUT);

            assertEquals("CLIENT_OFFLINE", Await.failure(alice.presence().getAll()).event());
            assertEquals("CLIENT_OFFLINE", Await.failure(alice.presence().getAll(List.of(user("x")))).event());
        }
    }
}
