package io.eddy.server.transport;

import io.eddy.protocol.ConnectionAction;
import io.eddy.protocol.EventAction;
import io.eddy.protocol.Message;
import io.eddy.protocol.RpcAction;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bursts of fan-outs to enough subscribers that each event loop shares one framed copy among them: every subscriber
 * still gets every message once, in order, in its own framing, with its own messages in the right place.
 */
@QuarkusTest
class SharedFanOutTest {
    // enough connections that each of the server's event loops (2 per core) holds more than a shared batch's minimum

    private static final Duration QUIET = Duration.ofMillis(300);
    private static final String MULTI_MESSAGE_FRAMES = "{\"eddy\":{\"multiMessageFrames\":true}}";

    @TestHTTPResource("/deepstream")
    URI http;

    private RawClient login(String name) {
        return RawClient.login(WebSockets.ws(http), name);
    }

    /** Logged in with Eddy's multi-message frames negotiated. */
    private RawClient loginPacked(String name) {
        RawClient c = RawClient.connect(WebSockets.ws(http));
        c.send(Message.of(ConnectionAction.CHALLENGE).data(MULTI_MESSAGE_FRAMES));
        assertEquals(MULTI_MESSAGE_FRAMES, c.expect(ConnectionAction.ACCEPT).data());
        c.acceptMultiMessageFrames();
        c.send(Message.of(io.eddy.protocol.AuthAction.REQUEST).data("{\"username\":\"" + name + "\"}"));
        c.expect(io.eddy.protocol.AuthAction.AUTH_SUCCESSFUL);
        return c;
    }

    private static void subscribe(RawClient c, String event) {
        c.send(Message.of(EventAction.SUBSCRIBE).names(List.of(event)).correlationId("s"));
        assertEquals(Message.of(EventAction.SUBSCRIBE).correlationId("s").isAck(true), c.next());
    }

    private static Message emit(String event, int n) {
        return Message.of(EventAction.EMIT).name(event).data(Integer.toString(n));
    }

    @Test
    void burstsReachEverySubscriberInOrderWhateverItsFraming() {
        List<RawClient> subscribers = new ArrayList<>();
        try (RawClient publisher = login("burst-pub")) {
            for (int i = 0; i < 48; i++) {
                RawClient s = i % 2 == 0 ? login("burst-plain" + i) : loginPacked("burst-packed" + i);
                subscribe(s, "burst");
                subscribers.add(s);
            }
            for (int n = 0; n < 600; n++) {
                publisher.send(emit("burst", n));
            }
            for (RawClient s : subscribers) {
                for (int n = 0; n < 600; n++) {
                    assertEquals(emit("burst", n), s.next());
                }
                s.expectNothing(Duration.ZERO);
            }
        } finally {
            subscribers.forEach(RawClient::close);
        }
    }

    @Test
    void aMessageOfItsOwnArrivesBetweenTheFanOutsSentBeforeAndAfterIt() {
        // the requestor's thread sends: 100 emits, one RPC request to each provider, 100 more emits; every
        // provider must see them in exactly that order, whichever event loop it shares with the requestor
        List<RawClient> subscribers = new ArrayList<>();
        try (RawClient requestor = login("order-pub")) {
            for (int i = 0; i < 40; i++) {
                RawClient s = i % 3 == 0 ? loginPacked("order-sub" + i) : login("order-sub" + i);
                subscribe(s, "order");
                s.send(Message.of(RpcAction.PROVIDE).names(List.of("order-rpc-" + i)).correlationId("p"));
                assertEquals(Message.of(RpcAction.PROVIDE).correlationId("p").isAck(true), s.next());
                subscribers.add(s);
            }
            for (int n = 0; n < 100; n++) {
                requestor.send(emit("order", n));
            }
            for (int i = 0; i < subscribers.size(); i++) {
                requestor.send(Message.of(RpcAction.REQUEST).name("order-rpc-" + i).correlationId("r" + i)
                        .data("\"hi\""));
            }
            for (int n = 100; n < 200; n++) {
                requestor.send(emit("order", n));
            }
            for (int i = 0; i < subscribers.size(); i++) {
                RawClient s = subscribers.get(i);
                for (int n = 0; n < 100; n++) {
                    assertEquals(emit("order", n), s.next(), "subscriber " + i);
                }
                Message request = s.next();
                assertTrue(request.is(RpcAction.REQUEST), "subscriber " + i + " got " + request);
                assertEquals("r" + i, request.correlationId());
                for (int n = 100; n < 200; n++) {
                    assertEquals(emit("order", n), s.next(), "subscriber " + i);
                }
            }
        } finally {
            subscribers.forEach(RawClient::close);
        }
    }

    @Test
    void publishersAmongTheSubscribersNeverGetTheirOwnMessages() {
        int clients = 40;
        int each = 10;
        List<RawClient> room = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                RawClient c = i % 2 == 0 ? login("room" + i) : loginPacked("room" + i);
                subscribe(c, "room");
                room.add(c);
            }
            for (int n = 0; n < each; n++) {
                for (int i = 0; i < clients; i++) {
                    room.get(i).send(emit("room", i * 1000 + n));
                }
            }
            for (int i = 0; i < clients; i++) {
                int[] next = new int[clients];
                for (int k = 0; k < (clients - 1) * each; k++) {
                    int value = Integer.parseInt(room.get(i).next().data());
                    int sender = value / 1000;
                    assertTrue(sender != i, "client " + i + " got its own message " + value);
                    assertEquals(sender * 1000 + next[sender]++, value, "client " + i + ": order from " + sender);
                }
                room.get(i).expectNothing(i == 0 ? QUIET : Duration.ZERO);
            }
        } finally {
            room.forEach(RawClient::close);
        }
    }

    @Test
    void subscribersJoiningAndLeavingMidBurstChangeOnlyTheirOwnShare() {
        List<RawClient> steady = new ArrayList<>();
        try (RawClient publisher = login("churn-pub"); RawClient joiner = login("churn-join");
             RawClient leaver = login("churn-leave")) {
            for (int i = 0; i < 40; i++) {
                RawClient s = login("churn" + i);
                subscribe(s, "churn");
                steady.add(s);
            }
            subscribe(leaver, "churn");
            for (int n = 0; n < 300; n++) {
                publisher.send(emit("churn", n));
                if (n == 100) {
                    joiner.send(Message.of(EventAction.SUBSCRIBE).names(List.of("churn")).correlationId("j"));
                    leaver.send(Message.of(EventAction.UNSUBSCRIBE).names(List.of("churn")).correlationId("l"));
                }
            }
            // the joiner may have been added at any point of the burst, even after it: one more message once its
            // ack is in, and its share is an unbroken tail ending with that message
            assertEquals(Message.of(EventAction.SUBSCRIBE).correlationId("j").isAck(true), joiner.next());
            publisher.send(emit("churn", 300));
            for (RawClient s : steady) {
                for (int n = 0; n <= 300; n++) {
                    assertEquals(emit("churn", n), s.next());
                }
            }
            int first = Integer.parseInt(joiner.next().data());
            for (int n = first + 1; n <= 300; n++) {
                assertEquals(emit("churn", n), joiner.next());
            }
            joiner.expectNothing(Duration.ZERO);
            // a publication already on its way to the leaver's thread may still arrive after the ack
            int n = 0;
            boolean acked = false;
            for (Message m = leaver.poll(QUIET); m != null; m = leaver.poll(QUIET)) {
                if (m.isAck()) {
                    acked = true;
                } else {
                    assertEquals(emit("churn", n++), m);
                }
            }
            assertTrue(acked, "the leaver's unsubscribe was not acknowledged");
        } finally {
            steady.forEach(RawClient::close);
        }
    }
}
