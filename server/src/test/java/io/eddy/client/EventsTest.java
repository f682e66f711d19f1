package io.eddy.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.eddy.protocol.ConnectionAction;
import io.eddy.protocol.EventAction;
import io.eddy.protocol.Message;
import io.eddy.protocol.Topic;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
class EventsTest extends ClientTestBase {

    private static final Duration QUIET = Duration.ofMillis(300);

    @Test
    void emitsReachEverySubscriberWithObjectScalarStringNullAndNoData() {
        EddyClient a = loggedIn("A");
        EddyClient b = loggedIn("B");
        EddyClient c = loggedIn("C");
        BlockingQueue<JsonNode> atB = new LinkedBlockingQueue<>();
        BlockingQueue<JsonNode> atC = new LinkedBlockingQueue<>();
        Await.result(b.event().subscribe("news", atB::add));
        Await.result(c.event().subscribe("news", atC::add));

        a.event().emit("news", Map.of("headline", "hello"));
        a.event().emit("news", 42);
        a.event().emit("news", "text");
        a.event().emit("news", NullNode.getInstance());
        a.event().emit("news", null);

        for (BlockingQueue<JsonNode> received : List.of(atB, atC)) {
            assertEquals("hello", Await.next(received).path("headline").textValue());
            assertEquals(42, Await.next(received).intValue());
            assertEquals("text", Await.next(received).textValue());
            assertTrue(Await.next(received).isNull(), "JSON null arrives as NullNode");
            assertTrue(Await.next(received).isMissingNode(), "an emit without data arrives as MissingNode");
        }
    }

    @Test
    void unsubscribedClientsGetNothingMore() {
        EddyClient a = loggedIn("A");
        EddyClient b = loggedIn("B");
        EddyClient c = loggedIn("C");
        BlockingQueue<JsonNode> atB = new LinkedBlockingQueue<>();
        BlockingQueue<JsonNode> atC = new LinkedBlockingQueue<>();
        Await.result(b.event().subscribe("weather", atB::add));
        Await.result(c.event().subscribe("weather", atC::add));

        Await.result(b.event().unsubscribe("weather"));
        a.event().emit("weather", "rain");

        assertEquals("rain", Await.next(atC).textValue());
        Await.nothing(atB, QUIET);
    }

    @Test
    void theEmittersOwnCallbacksRunLocallyOnceAndTheServerDoesNotEcho() {
        EddyClient a = loggedIn("A");
        EddyClient b = loggedIn("B");
        BlockingQueue<JsonNode> atA = new LinkedBlockingQueue<>();
        BlockingQueue<JsonNode> atB = new LinkedBlockingQueue<>();
        Await.result(a.event().subscribe("chat", atA::add));
        Await.result(b.event().subscribe("chat", atB::add));

        a.event().emit("chat", "from A");

        assertEquals("from A", Await.next(atA).textValue());
        assertEquals("from A", Await.next(atB).textValue());
        Await.nothing(atA, QUIET);
    }

    @Test
    void bulkSubscribeSendsOneRequestAndCorrelationIdsCount() {
        List<Message> acks = new CopyOnWriteArrayList<>();
        EddyClient a = loggedIn(builder(new ClientRecorder()).onMessage(m -> {
            if (m.topic() == Topic.EVENT && m.isAck()) {
                acks.add(m);
            }
        }), "A");
        EddyClient b = loggedIn("B");
        BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();

        Await.result(a.event().subscribe(List.of("bulk/1", "bulk/2", "bulk/3"), received::add));
        Await.result(a.event().subscribe("bulk/4", received::add));
        Await.result(a.event().unsubscribe("bulk/4"));

        assertEquals(List.of("SUBSCRIBE 0", "SUBSCRIBE 1", "UNSUBSCRIBE 2"), acks.stream()
                .map(m -> m.typedAction().name() + " " + m.correlationId()).toList());
        for (String name : List.of("bulk/1", "bulk/2", "bulk/3")) {
            b.event().emit(name, name);
            assertEquals(name, Await.next(received).textValue());
        }
    }

    @Test
    void subscribeFutureCompletesOnTheServersAck() {
        AtomicBoolean ackSeen = new AtomicBoolean();
        EddyClient a = loggedIn(builder(new ClientRecorder()).onMessage(m -> {
            if (m.is(EventAction.SUBSCRIBE) && m.isAck()) {
                ackSeen.set(true);
            }
        }), "A");

        CompletableFuture<Boolean> ackedFirst = a.event().subscribe("acked", d -> { }).thenApply(v -> ackSeen.get());

        assertTrue(Await.result(ackedFirst), "the future completed before the ack arrived");
    }

    @Test
    void furtherCallbacksOfANameAreLocalOnly() {
        List<Message> acks = new CopyOnWriteArrayList<>();
        EddyClient a = loggedIn(builder(new ClientRecorder()).onMessage(m -> {
            if (m.topic() == Topic.EVENT && m.isAck()) {
                acks.add(m);
            }
        }), "A");
        EddyClient b = loggedIn("B");
        EddyClient control = loggedIn("control");
        BlockingQueue<JsonNode> atControl = new LinkedBlockingQueue<>();
        Await.result(control.event().subscribe("shared", atControl::add));
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        Consumer<JsonNode> first = d -> received.add("first " + d.textValue());
        Consumer<JsonNode> second = d -> received.add("second " + d.textValue());

        Await.result(a.event().subscribe("shared", first));
        Await.result(a.event().subscribe("shared", second));
        b.event().emit("shared", "1");
        assertEquals("first 1", Await.next(received));
        assertEquals("second 1", Await.next(received));

        Await.result(a.event().unsubscribe("shared", first));
        b.event().emit("shared", "2");
        assertEquals("second 2", Await.next(received));
        assertEquals(1, acks.size(), () -> "only the first callback subscribes: " + acks);

        Await.result(a.event().unsubscribe("shared", second));
        assertEquals(2, acks.size(), () -> "the last callback unsubscribes: " + acks);
        assertTrue(acks.get(1).is(EventAction.UNSUBSCRIBE));
        b.event().emit("shared", "3");
        assertEquals(List.of("1", "2", "3"), List.of(Await.next(atControl).textValue(),
                Await.next(atControl).textValue(), Await.next(atControl).textValue()), "the emits went out");
        Await.nothing(received, QUIET);
    }

    @Test
    void subscriptionsAndEmitsMadeBeforeLoginAreSentAtLogin() {
        EddyClient b = loggedIn("B");
        BlockingQueue<JsonNode> atB = new LinkedBlockingQueue<>();
        Await.result(b.event().subscribe("early/emit", atB::add));
        EddyClient a = track(builder(new ClientRecorder()).build());
        BlockingQueue<JsonNode> atA = new LinkedBlockingQueue<>();

        CompletableFuture<Void> subscribed = a.event().subscribe("early/sub", atA::add);
        a.event().emit("early/emit", "sent before login");
        Await.sleep(Duration.ofMillis(100));
        assertFalse(subscribed.isDone(), "no ack can come before login");

        assertTrue(Await.result(a.login()).isSuccess());
        Await.result(subscribed);
        assertEquals("sent before login", Await.next(atB).textValue());
        b.event().emit("early/sub", "after login");
        assertEquals("after login", Await.next(atA).textValue());
    }

    @Test
    void parserMessagesReachTheErrorListener() {
        ClientRecorder recorder = new ClientRecorder();
        EddyClient a = loggedIn(builder(recorder), "A");

        a.send(Message.of(ConnectionAction.CHALLENGE)); // no handler for CONNECTION CHALLENGE once logged in

        recorder.awaitError(Topic.PARSER, "UNKNOWN_TOPIC", Await.TIMEOUT);
        assertEquals(ConnectionState.OPEN, a.state());
    }

    @Test
    void serverErrorsAboutEventsReachTheErrorListener() {
        ClientRecorder recorder = new ClientRecorder();
        EddyClient a = loggedIn(builder(recorder), "A");
        Await.result(a.event().subscribe("dup", d -> { }));

        a.send(new Message(Topic.EVENT, EventAction.EMIT.code()).name("raw").data("not-json"));
        a.send(new Message(Topic.EVENT, EventAction.SUBSCRIBE.code()).names(List.of("dup")).correlationId("raw"));

        assertEquals("raw", recorder.awaitError(Topic.EVENT, "INVALID_MESSAGE_DATA", Await.TIMEOUT).detail());
        assertEquals("dup", recorder.awaitError(Topic.EVENT, "MULTIPLE_SUBSCRIPTIONS", Await.TIMEOUT).detail());
    }

    @Test
    void unsubscribingANameNeverSubscribedCompletesAtOnce() {
        EddyClient a = loggedIn("A");

        Await.result(a.event().unsubscribe("never"));
        Await.result(a.event().unlisten("^never/"));
    }
}
