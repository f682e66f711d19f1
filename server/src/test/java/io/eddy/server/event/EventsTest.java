package io.eddy.server.event;

import io.eddy.protocol.EventAction;
import io.eddy.protocol.Message;
import io.eddy.server.testing.RawClient;
import io.eddy.server.testing.WebSockets;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The EVENT topic (events.md): acks, duplicates, emit fan-out, relayed data and refused data. */
@QuarkusTest
class EventsTest {

    private static final Duration QUIET = Duration.ofMillis(300);

    @TestHTTPResource("/deepstream")
    URI http;

    private RawClient login(String name) {
        return RawClient.login(WebSockets.ws(http), name);
    }

    private static void subscribe(RawClient c, String correlationId, String... names) {
        c.send(Message.of(EventAction.SUBSCRIBE).names(List.of(names)).correlationId(correlationId));
        assertEquals(Message.of(EventAction.SUBSCRIBE).correlationId(correlationId).isAck(true), c.next());
    }

    @Test
    void subscribeAndUnsubscribeAreAcknowledgedWithTheExactShape() {
        try (RawClient c = login("acks")) {
            subscribe(c, "0", "e1", "e2");
            c.send(Message.of(EventAction.UNSUBSCRIBE).names(List.of("e1", "never-subscribed")).correlationId("1"));
            assertEquals(Message.of(EventAction.UNSUBSCRIBE).correlationId("1").isAck(true), c.next());
        }
    }

    @Test
    void duplicateSubscriptionIsReportedAndStillAcknowledged() {
        try (RawClient c = login("dup")) {
            subscribe(c, "7", "dup");
            c.send(Message.of(EventAction.SUBSCRIBE).names(List.of("dup", "other")).correlationId("8"));
            assertEquals(Message.of(EventAction.MULTIPLE_SUBSCRIPTIONS).name("dup")
                    .originalAction(EventAction.SUBSCRIBE), c.next());
            assertEquals(Message.of(EventAction.SUBSCRIBE).correlationId("8").isAck(true), c.next());
        }
    }

    @Test
    void subscribeWithNameInsteadOfNamesOnlyGetsTheAck() {
        try (RawClient c = login("single"); RawClient emitter = login("single-emitter");
             RawClient control = login("single-control")) {
            c.send(Message.of(EventAction.SUBSCRIBE).name("single").correlationId("10"));
            assertEquals(Message.of(EventAction.SUBSCRIBE).correlationId("10").isAck(true), c.next());
            subscribe(control, "11", "single");
            emitter.send(Message.of(EventAction.EMIT).name("single").data("1"));
            assertEquals("1", control.expect(EventAction.EMIT).data()); // the emit went out to real subscribers
            c.expectNothing(QUIET);
        }
    }

    @Test
    void emitReachesOtherSubscribersButNotTheSender() {
        try (RawClient a = login("A"); RawClient b = login("B"); RawClient c = login("C")) {
            subscribe(a, "0", "news");
            subscribe(b, "0", "news");
            a.send(Message.of(EventAction.EMIT).name("news").data("{\"headline\":\"hello\"}"));
            assertEquals(Message.of(EventAction.EMIT).name("news").data("{\"headline\":\"hello\"}"), b.next());
            a.expectNothing(QUIET);
            c.expectNothing(Duration.ZERO);
        }
    }

    @Test
    void dataIsRelayedUnchangedAndMayBeAbsent() {
        try (RawClient a = login("relay-a"); RawClient b = login("relay-b")) {
            subscribe(b, "0", "news");
            for (String data : new String[] {"42", "\"text with ü and 😀\"", "null", "[1,{\"a\":[]}]", " { \"spaced\" : true } "}) {
                a.send(Message.of(EventAction.EMIT).name("news").data(data));
                assertEquals(data, b.expect(EventAction.EMIT).data());
            }
            a.send(Message.of(EventAction.EMIT).name("news"));
            Message noData = b.expect(EventAction.EMIT);
            assertNull(noData.data());
            assertEquals("news", noData.name());
        }
    }

    @Test
    void dataThatIsNotJsonIsRefusedBeforeItReachesAnyone() {
        try (RawClient a = login("bad-a"); RawClient b = login("bad-b")) {
            subscribe(b, "0", "rawdata");
            a.send(Message.of(EventAction.EMIT).name("rawdata").data("not-json"));
            assertEquals(Message.of(EventAction.INVALID_MESSAGE_DATA).name("rawdata")
                    .originalAction(EventAction.EMIT).isError(true), a.next());
            b.expectNothing(QUIET);
            a.send(Message.of(EventAction.EMIT).name("rawdata").data("\"fine\""));
            assertEquals("\"fine\"", b.expect(EventAction.EMIT).data());
        }
    }

    @Test
    void unsubscribedClientsGetNothingMore() {
        try (RawClient a = login("u-a"); RawClient b = login("u-b"); RawClient control = login("u-control")) {
            subscribe(b, "0", "news");
            subscribe(control, "0", "news");
            b.send(Message.of(EventAction.UNSUBSCRIBE).names(List.of("news")).correlationId("1"));
            b.expect(EventAction.UNSUBSCRIBE);
            a.send(Message.of(EventAction.EMIT).name("news").data("\"nobody\""));
            assertEquals("\"nobody\"", control.expect(EventAction.EMIT).data()); // still subscribed: gets it
            b.expectNothing(QUIET);
        }
    }

    @Test
    void manySubscribersReceiveEveryEmitInOrder() {
        List<RawClient> subscribers = new ArrayList<>();
        try (RawClient publisher = login("pub")) {
            for (int i = 0; i < 40; i++) {
                RawClient s = login("sub" + i);
                subscribe(s, "0", "fan");
                subscribers.add(s);
            }
            for (int n = 0; n < 200; n++) {
                publisher.send(Message.of(EventAction.EMIT).name("fan").data(Integer.toString(n)));
            }
            for (RawClient s : subscribers) {
                for (int n = 0; n < 200; n++) {
                    assertEquals(Integer.toString(n), s.expect(EventAction.EMIT).data());
                }
            }
        } finally {
            subscribers.forEach(RawClient::close);
        }
    }

    @Test
    void aClosedSubscriberIsDroppedAndOthersStillReceive() {
        try (RawClient a = login("close-a"); RawClient b = login("close-b")) {
            RawClient gone = login("close-gone");
            subscribe(gone, "0", "x");
            subscribe(b, "0", "x");
            gone.close();
            for (int i = 0; i < 20; i++) {
                a.send(Message.of(EventAction.EMIT).name("x").data(Integer.toString(i)));
            }
            for (int i = 0; i < 20; i++) {
                assertEquals(Integer.toString(i), b.expect(EventAction.EMIT).data());
            }
            assertFalse(b.isClosed());
        }
    }

    @Test
    void emitWithoutNameIsRefusedWithADiagnostic() {
        try (RawClient a = login("noname")) {
            a.send(Message.of(EventAction.EMIT).data("1"));
            Message m = a.next();
            assertEquals(io.eddy.protocol.ParserAction.INVALID_MESSAGE.code(), m.action());
            assertEquals(EventAction.EMIT.code(), m.originalAction());
        }
    }
}
