package io.eddy.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.eddy.protocol.Topic;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
class ListeningTest extends ClientTestBase {

    @Test
    void anAcceptedNameIsProvidedUntilItsLastSubscriberLeaves() {
        EddyClient provider = loggedIn("P");
        EddyClient subscriber = loggedIn("S");
        BlockingQueue<String> matches = new LinkedBlockingQueue<>();
        BlockingQueue<String> stops = new LinkedBlockingQueue<>();
        Await.result(provider.event().listen("^weather/", (name, response) -> {
            matches.add(name);
            response.onStop(stops::add);
            response.accept();
        }));
        BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();

        Await.result(subscriber.event().subscribe("weather/london", received::add));
        assertEquals("weather/london", Await.next(matches));
        provider.event().emit("weather/london", "sunny");
        assertEquals("sunny", Await.next(received).textValue());

        Await.result(subscriber.event().unsubscribe("weather/london"));
        assertEquals("weather/london", Await.next(stops));
    }

    @Test
    void whenTheLastSubscriberDisconnectsTheProviderIsStopped() {
        EddyClient provider = loggedIn("P");
        EddyClient subscriber = loggedIn("S");
        BlockingQueue<String> stops = new LinkedBlockingQueue<>();
        BlockingQueue<String> matches = new LinkedBlockingQueue<>();
        Await.result(provider.event().listen("^gone/", (name, response) -> {
            response.onStop(stops::add);
            response.accept();
            matches.add(name);
        }));
        BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
        Await.result(subscriber.event().subscribe("gone/1", received::add));
        Await.next(matches);
        // the provider's emit follows its LISTEN_ACCEPT on one connection: once it arrives, the server has the accept
        provider.event().emit("gone/1", "provided");
        Await.next(received);

        subscriber.close();

        assertEquals("gone/1", Await.next(stops));
    }

    @Test
    void aRejectedNameIsOfferedToTheNextProvider() {
        EddyClient rejecting = loggedIn("P1");
        EddyClient accepting = loggedIn("P2");
        EddyClient subscriber = loggedIn("S");
        BlockingQueue<String> rejected = new LinkedBlockingQueue<>();
        BlockingQueue<String> accepted = new LinkedBlockingQueue<>();
        Await.result(rejecting.event().listen("^stock/", (name, response) -> {
            rejected.add(name);
            response.reject();
        }));

        Await.result(subscriber.event().subscribe("stock/aapl", d -> { }));
        assertEquals("stock/aapl", Await.next(rejected));
        // a new listener starts a new search for the still unprovided name
        Await.result(accepting.event().listen("^stock/", (name, response) -> {
            accepted.add(name);
            response.accept();
        }));

        assertEquals("stock/aapl", Await.next(accepted));
    }

    @Test
    void whenTheProviderDisconnectsAnotherProviderTakesOver() {
        BlockingQueue<String> matches = new LinkedBlockingQueue<>();
        EddyClient p1 = loggedIn("P1");
        EddyClient p2 = loggedIn("P2");
        EddyClient subscriber = loggedIn("S");
        Await.result(p1.event().listen("^live/", (name, response) -> {
            matches.add("P1 " + name);
            response.accept();
        }));
        Await.result(p2.event().listen("^live/", (name, response) -> {
            matches.add("P2 " + name);
            response.accept();
        }));

        Await.result(subscriber.event().subscribe("live/match", d -> { }));
        String first = Await.next(matches);
        (first.startsWith("P1") ? p1 : p2).close();

        String second = Await.next(matches);
        assertEquals((first.startsWith("P1") ? "P2" : "P1") + " live/match", second);
    }

    @Test
    void unlistenStopsTheNamesProvidedUnderThePattern() {
        EddyClient provider = loggedIn("P");
        EddyClient subscriber = loggedIn("S");
        BlockingQueue<String> stops = new LinkedBlockingQueue<>();
        BlockingQueue<String> matches = new LinkedBlockingQueue<>();
        Await.result(provider.event().listen("^feed/", (name, response) -> {
            response.onStop(stops::add);
            response.accept();
            matches.add(name);
        }));
        Await.result(subscriber.event().subscribe("feed/1", d -> { }));
        Await.next(matches);

        Await.result(provider.event().unlisten("^feed/"));

        assertEquals("feed/1", Await.next(stops));
    }

    @Test
    void aProviderThatDoesNotAnswerIsToldItTimedOut() {
        ClientRecorder recorder = new ClientRecorder();
        EddyClient provider = loggedIn(builder(recorder), "P");
        EddyClient subscriber = loggedIn("S");
        Await.result(provider.event().listen("^silent/", (name, response) -> { }));

        Await.result(subscriber.event().subscribe("silent/1", d -> { }));

        assertEquals("silent/1",
                recorder.awaitError(Topic.EVENT, "LISTEN_RESPONSE_TIMEOUT", Duration.ofSeconds(3)).detail());
    }

    @Test
    void anInvalidPatternIsRefused() {
        ClientRecorder recorder = new ClientRecorder();
        EddyClient provider = loggedIn(builder(recorder), "P");

        EddyClientException refused = Await.failure(provider.event().listen("[unclosed", (n, r) -> { }));

        assertEquals("INVALID_LISTEN_REGEX", refused.event());
        assertEquals("[unclosed", recorder.awaitError(Topic.EVENT, "INVALID_LISTEN_REGEX", Await.TIMEOUT).detail());
        // forgotten locally, so it may be listened to again (and is refused again)
        assertEquals("INVALID_LISTEN_REGEX",
                Await.failure(provider.event().listen("[unclosed", (n, r) -> { })).event());
    }

    @Test
    void listeningTwiceToAPatternIsRefusedLocally() {
        EddyClient provider = loggedIn("P");
        Await.result(provider.event().listen("^twice/", (n, r) -> { }));

        EddyClientException refused = Await.failure(provider.event().listen("^twice/", (n, r) -> { }));

        assertEquals("LISTENER_EXISTS", refused.event());
        assertTrue(provider.state() == ConnectionState.OPEN);
    }
}
