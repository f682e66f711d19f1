package io.eddy.server.rpc;

import io.eddy.protocol.Message;
import io.eddy.protocol.RpcAction;
import io.eddy.server.node.EddyNode;
import io.eddy.server.testing.RawClient;
import io.eddy.server.testing.WebSockets;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RPC flows of rpc.md over real WebSockets; timeouts shortened to accept 500 ms and response 1500 ms. */
@QuarkusTest
@TestProfile(RpcTest.ShortTimeouts.class)
class RpcTest {

    public static class ShortTimeouts implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("eddy.rpc.accept-timeout", "500ms", "eddy.rpc.response-timeout", "1500ms",
                    "eddy.rpc.provide-requestor-name", "true", "eddy.rpc.provide-requestor-data", "true");
        }
    }

    private static final Duration QUIET = Duration.ofMillis(300);

    @TestHTTPResource("/deepstream")
    URI http;

    @Inject
    EddyNode node;

    private RawClient login(String user) {
        return RawClient.login(WebSockets.ws(http), user);
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    static void provide(RawClient c, String name) {
        c.send(Message.of(RpcAction.PROVIDE).names(List.of(name)).correlationId("p"));
        assertEquals(Message.of(RpcAction.PROVIDE).correlationId("p").isAck(true), c.next());
    }

    static Message request(String name, String id, String data) {
        return Message.of(RpcAction.REQUEST).name(name).correlationId(id).data(data);
    }

    static Message reply(RpcAction action, String name, String id) {
        return Message.of(action).name(name).correlationId(id);
    }

    @Test
    void successfulCallForwardsAcceptAndResponse() {
        try (RawClient p = login("P1"); RawClient c = login("C")) {
            String name = unique("add");
            provide(p, name);
            c.send(request(name, "id-1", "{\"a\":1,\"b\":2}"));
            assertEquals(request(name, "id-1", "{\"a\":1,\"b\":2}").requestorName("C"), p.next());
            p.send(reply(RpcAction.ACCEPT, name, "id-1"));
            p.send(reply(RpcAction.RESPONSE, name, "id-1").data("3"));
            assertEquals(reply(RpcAction.ACCEPT, name, "id-1"), c.next());
            assertEquals(reply(RpcAction.RESPONSE, name, "id-1").data("3"), c.next());
            p.send(reply(RpcAction.RESPONSE, name, "id-1").data("4"));
            assertEquals(reply(RpcAction.INVALID_RPC_CORRELATION_ID, name, "id-1")
                    .originalAction(RpcAction.RESPONSE).isError(true), p.next());
        }
    }

    @Test
    void requestorDataComesFromClientData() {
        URI uri = WebSockets.ws(http);
        try (RawClient p = RawClient.login(uri, "provider");
             RawClient userA = RawClient.connect(uri)) {
            userA.challenge();
            userA.send(Message.of(io.eddy.protocol.AuthAction.REQUEST).data("{\"username\":\"userA\",\"password\":\"pwA\"}"));
            userA.expect(io.eddy.protocol.AuthAction.AUTH_SUCCESSFUL);
            String name = unique("whoami");
            provide(p, name);
            userA.send(request(name, "w1", "null"));
            assertEquals(request(name, "w1", "null").requestorName("userA")
                    .requestorData("{\"favouriteColor\":\"red\"}"), p.next());
        }
    }

    @Test
    void providerErrorIsForwarded() {
        try (RawClient p = login("P1"); RawClient c = login("C")) {
            String name = unique("fail");
            provide(p, name);
            c.send(request(name, "e1", "null"));
            p.next();
            p.send(reply(RpcAction.REQUEST_ERROR, name, "e1").data("\"boom\""));
            assertEquals(reply(RpcAction.REQUEST_ERROR, name, "e1").data("\"boom\""), c.next());
        }
    }

    @Test
    void rejectionsRerouteUntilNobodyIsLeft() {
        try (RawClient p1 = login("P1"); RawClient p2 = login("P2"); RawClient c = login("C")) {
            String name = unique("nope");
            provide(p1, name);
            provide(p2, name);
            c.send(request(name, "r1", "null"));
            RawClient first = whoGets(p1, p2);
            RawClient second = first == p1 ? p2 : p1;
            first.send(reply(RpcAction.REJECT, name, "r1"));
            assertEquals(RpcAction.REQUEST.code(), second.next().action());
            second.send(reply(RpcAction.REJECT, name, "r1"));
            assertEquals(reply(RpcAction.NO_RPC_PROVIDER, name, "r1"), c.next());
            first.expectNothing(QUIET); // each provider is tried once
        }
    }

    /** The one of two clients that receives the next message (which is consumed). */
    private static RawClient whoGets(RawClient a, RawClient b) {
        long deadline = System.nanoTime() + RawClient.WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (RawClient c : new RawClient[] {a, b}) {
                if (c.poll(Duration.ofMillis(5)) != null) {
                    return c;
                }
            }
        }
        throw new AssertionError("neither client received anything");
    }

    @Test
    void noProviderAtAll() {
        try (RawClient c = login("C")) {
            String name = unique("nobody");
            c.send(request(name, "n1", "null"));
            assertEquals(reply(RpcAction.NO_RPC_PROVIDER, name, "n1"), c.next());
        }
    }

    @Test
    void acceptTimeoutAndResponseTimeoutEndTheCall() {
        try (RawClient p = login("P2"); RawClient c = login("C")) {
            String silent = unique("silent");
            provide(p, silent);
            long sent = System.nanoTime();
            c.send(request(silent, "t1", "null"));
            p.next();
            assertEquals(reply(RpcAction.ACCEPT_TIMEOUT, silent, "t1"), c.next());
            long acceptMs = (System.nanoTime() - sent) / 1_000_000;
            assertTrue(acceptMs >= 450 && acceptMs < 1500, "accept timeout after " + acceptMs + " ms");

            String slow = unique("slow");
            provide(p, slow);
            sent = System.nanoTime();
            c.send(request(slow, "t2", "null"));
            p.next();
            p.send(reply(RpcAction.ACCEPT, slow, "t2"));
            assertEquals(reply(RpcAction.ACCEPT, slow, "t2"), c.next());
            assertEquals(reply(RpcAction.RESPONSE_TIMEOUT, slow, "t2"), c.next());
            long responseMs = (System.nanoTime() - sent) / 1_000_000;
            assertTrue(responseMs >= 1400 && responseMs < 3000, "response timeout after " + responseMs + " ms");
            p.send(reply(RpcAction.RESPONSE, slow, "t2").data("1"));
            assertEquals(RpcAction.INVALID_RPC_CORRELATION_ID.code(), p.next().action());
        }
    }

    @Test
    void providerLeavingBeforeAcceptingHandsTheCallOn() {
        try (RawClient p2 = login("P2"); RawClient c = login("C")) {
            String name = unique("handover");
            RawClient p1 = login("P1");
            provide(p1, name);
            c.send(request(name, "h1", "1"));
            p1.next();
            provide(p2, name);
            long closed = System.nanoTime();
            p1.close();
            assertEquals(RpcAction.REQUEST.code(), p2.next().action());
            p2.send(reply(RpcAction.RESPONSE, name, "h1").data("\"from P2\""));
            assertEquals(reply(RpcAction.RESPONSE, name, "h1").data("\"from P2\""), c.next());
            assertTrue((System.nanoTime() - closed) / 1_000_000 < 450, "handed on before the accept timeout");
        }
    }

    @Test
    void providerLeavingAfterAcceptingEndsTheCallAtOnce() {
        try (RawClient c = login("C")) {
            String name = unique("gone");
            RawClient p = login("P1");
            provide(p, name);
            c.send(request(name, "g1", "1"));
            p.next();
            p.send(reply(RpcAction.ACCEPT, name, "g1"));
            c.expect(RpcAction.ACCEPT);
            long closed = System.nanoTime();
            p.close();
            assertEquals(reply(RpcAction.RESPONSE_TIMEOUT, name, "g1"), c.next());
            assertTrue((System.nanoTime() - closed) / 1_000_000 < 1000, "ended well before the response timeout");
        }
    }

    @Test
    void rawEdgeCases() {
        try (RawClient r = login("R"); RawClient c = login("C"); RawClient other = login("O")) {
            String name = unique("rawrpc");
            r.send(Message.of(RpcAction.PROVIDE).names(List.of(name)).correlationId("p1"));
            assertEquals(Message.of(RpcAction.PROVIDE).correlationId("p1").isAck(true), r.next());
            r.send(Message.of(RpcAction.PROVIDE).names(List.of(name)).correlationId("p2"));
            assertEquals(Message.of(RpcAction.MULTIPLE_PROVIDERS).name(name).originalAction(RpcAction.PROVIDE), r.next());
            assertEquals(Message.of(RpcAction.PROVIDE).correlationId("p2").isAck(true), r.next());
            r.send(Message.of(RpcAction.UNPROVIDE).names(List.of("never-provided")).correlationId("p3"));
            assertEquals(Message.of(RpcAction.UNPROVIDE).correlationId("p3").isAck(true), r.next());
            r.send(reply(RpcAction.RESPONSE, name, "no-such-id").data("1"));
            assertEquals(reply(RpcAction.INVALID_RPC_CORRELATION_ID, name, "no-such-id")
                    .originalAction(RpcAction.RESPONSE).isError(true), r.next());

            c.send(request(name, "x1", "\"hi\""));
            r.next();
            r.send(reply(RpcAction.ACCEPT, name, "x1"));
            c.expect(RpcAction.ACCEPT);
            r.send(reply(RpcAction.ACCEPT, name, "x1"));
            assertEquals(reply(RpcAction.MULTIPLE_ACCEPT, name, "x1"), r.next());
            // only the provider the call went to may answer it (deepstream accepts anyone's answer)
            other.send(reply(RpcAction.RESPONSE, name, "x1").data("\"hijack\""));
            assertEquals(RpcAction.INVALID_RPC_CORRELATION_ID.code(), other.next().action());
            r.send(reply(RpcAction.RESPONSE, name, "x1").data("\"raw answer\""));
            assertEquals(reply(RpcAction.RESPONSE, name, "x1").data("\"raw answer\""), c.next());

            c.send(request(name, "x2", "\"again\""));
            r.next();
            r.send(reply(RpcAction.RESPONSE, name, "x2").data("\"direct\"")); // no ACCEPT before it
            assertEquals(reply(RpcAction.RESPONSE, name, "x2").data("\"direct\""), c.next());

            c.send(request(name, "x3", "not json"));
            assertEquals(reply(RpcAction.INVALID_MESSAGE_DATA, name, "x3").originalAction(RpcAction.REQUEST)
                    .isError(true), c.next());
            r.expectNothing(QUIET);
        }
    }

    @Test
    void aClientMayCallWhatItProvides() {
        try (RawClient self = login("self")) {
            String name = unique("echo");
            provide(self, name);
            self.send(request(name, "s1", "5"));
            assertEquals(RpcAction.REQUEST.code(), self.next().action());
            self.send(reply(RpcAction.RESPONSE, name, "s1").data("5"));
            assertEquals(reply(RpcAction.RESPONSE, name, "s1").data("5"), self.next());
        }
    }
}
