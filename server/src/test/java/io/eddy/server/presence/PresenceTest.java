package io.eddy.server.presence;

import io.eddy.protocol.AuthAction;
import io.eddy.protocol.Message;
import io.eddy.protocol.PresenceAction;
import io.eddy.server.testing.RawClient;
import io.eddy.server.testing.WebSockets;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Presence (presence.md): one join per user however many connections, one leave when the last closes. */
@QuarkusTest
class PresenceTest {

    private static final Duration QUIET = Duration.ofMillis(300);

    @TestHTTPResource("/deepstream")
    URI http;

    private RawClient login(String user) {
        return RawClient.login(WebSockets.ws(http), user);
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    private static void subscribeAll(RawClient c) {
        c.send(Message.of(PresenceAction.SUBSCRIBE_ALL));
        assertEquals(Message.of(PresenceAction.SUBSCRIBE_ALL).isAck(true), c.next());
    }

    private static void subscribe(RawClient c, String user, String id) {
        c.send(Message.of(PresenceAction.SUBSCRIBE).names(List.of(user)).correlationId(id));
        assertEquals(Message.of(PresenceAction.SUBSCRIBE).correlationId(id).isAck(true), c.next());
    }

    @Test
    void joinAndLeaveWithTwoConnectionsOfOneUser() {
        String bob = unique("bob");
        try (RawClient alice = login(unique("alice"))) {
            subscribeAll(alice);
            subscribe(alice, bob, "0");
            RawClient bob1 = login(bob);
            assertEquals(Message.of(PresenceAction.PRESENCE_JOIN_ALL).name(bob), alice.next());
            assertEquals(Message.of(PresenceAction.PRESENCE_JOIN).name(bob), alice.next());
            RawClient bob2 = login(bob);
            alice.expectNothing(QUIET); // second tab: no second join
            bob1.close();
            alice.expectNothing(QUIET); // one tab left: still online
            bob2.close();
            assertEquals(Message.of(PresenceAction.PRESENCE_LEAVE_ALL).name(bob), alice.next());
            assertEquals(Message.of(PresenceAction.PRESENCE_LEAVE).name(bob), alice.next());
            alice.expectNothing(QUIET);
        }
    }

    @Test
    void queriesSeeWhoIsOnline() {
        String asking = unique("asking");
        String carol = unique("carol");
        String dave = unique("dave");
        try (RawClient alice = login(asking); RawClient c = login(carol)) {
            alice.send(Message.of(PresenceAction.QUERY_ALL));
            Message all = alice.expect(PresenceAction.QUERY_ALL_RESPONSE);
            assertTrue(all.names().contains(carol));
            assertFalse(all.names().contains(asking), "the asking user is left out");
            alice.send(Message.of(PresenceAction.QUERY).names(List.of(carol, dave, asking)).correlationId("0"));
            assertEquals(Message.of(PresenceAction.QUERY_RESPONSE).correlationId("0")
                    .data("{\"" + carol + "\":true,\"" + dave + "\":false,\"" + asking + "\":true}"), alice.next());
        }
    }

    @Test
    void anonymousUsersAreReportedAsOpen() {
        try (RawClient alice = login(unique("alice"))) {
            RawClient anon = RawClient.connect(WebSockets.ws(http));
            anon.challenge();
            anon.send(Message.of(AuthAction.REQUEST).data("{}"));
            anon.expect(AuthAction.AUTH_SUCCESSFUL);
            alice.send(Message.of(PresenceAction.QUERY).names(List.of("open")).correlationId("q"));
            assertEquals("{\"open\":true}", alice.expect(PresenceAction.QUERY_RESPONSE).data());
            anon.close();
        }
    }

    @Test
    void subscriptionsAckDuplicatesAndUnsubscribe() {
        String user = unique("watched");
        String someone = unique("someone");
        try (RawClient alice = login(unique("alice")); RawClient control = login(unique("control"))) {
            subscribeAll(control); // still subscribed: shows each login below was announced
            subscribeAll(alice);
            alice.send(Message.of(PresenceAction.UNSUBSCRIBE_ALL));
            assertEquals(Message.of(PresenceAction.UNSUBSCRIBE_ALL).isAck(true), alice.next());
            try (RawClient ignored = login(someone)) {
                assertEquals(Message.of(PresenceAction.PRESENCE_JOIN_ALL).name(someone), control.next());
                alice.expectNothing(QUIET);
            }
            assertEquals(Message.of(PresenceAction.PRESENCE_LEAVE_ALL).name(someone), control.next());

            subscribe(alice, user, "0");
            alice.send(Message.of(PresenceAction.SUBSCRIBE).names(List.of(user)).correlationId("1"));
            assertEquals(Message.of(PresenceAction.MULTIPLE_SUBSCRIPTIONS).name(user)
                    .originalAction(PresenceAction.SUBSCRIBE), alice.next());
            assertEquals(Message.of(PresenceAction.SUBSCRIBE).correlationId("1").isAck(true), alice.next());
            alice.send(Message.of(PresenceAction.UNSUBSCRIBE).names(List.of(user)).correlationId("2"));
            assertEquals(Message.of(PresenceAction.UNSUBSCRIBE).correlationId("2").isAck(true), alice.next());
            try (RawClient ignored = login(user)) {
                assertEquals(Message.of(PresenceAction.PRESENCE_JOIN_ALL).name(user), control.next());
                alice.expectNothing(QUIET);
            }
            assertEquals(Message.of(PresenceAction.PRESENCE_LEAVE_ALL).name(user), control.next());
            alice.expectNothing(QUIET);
        }
    }

    @Test
    void aUsersOwnLoginIsNotAnnouncedToItself() {
        String me = unique("me");
        String other = unique("other");
        try (RawClient first = login(me)) {
            subscribeAll(first);
            try (RawClient second = login(me)) {
                first.expectNothing(QUIET); // already online: no join, not even to itself
                // barrier: a join that is announced comes first, so none for me was queued before it
                try (RawClient otherClient = login(other)) {
                    assertEquals(Message.of(PresenceAction.PRESENCE_JOIN_ALL).name(other), first.next());
                }
                assertEquals(Message.of(PresenceAction.PRESENCE_LEAVE_ALL).name(other), first.next());
            }
            first.expectNothing(QUIET); // still online through the first connection
            try (RawClient otherClient = login(other)) {
                assertEquals(Message.of(PresenceAction.PRESENCE_JOIN_ALL).name(other), first.next());
            }
        }
    }

    @Test
    void unauthenticatedConnectionsAreNotOnline() {
        String ghost = unique("ghost");
        try (RawClient alice = login(unique("alice")); RawClient pending = RawClient.connect(WebSockets.ws(http))) {
            subscribeAll(alice);
            pending.challenge();
            // barrier: the next join alice hears is a logged-in user's, none was announced for the pending one
            String witness = unique("witness");
            try (RawClient ignored = login(witness)) {
                assertEquals(Message.of(PresenceAction.PRESENCE_JOIN_ALL).name(witness), alice.next());
            }
            assertEquals(Message.of(PresenceAction.PRESENCE_LEAVE_ALL).name(witness), alice.next());
            pending.close();
            alice.send(Message.of(PresenceAction.QUERY).names(List.of(ghost)).correlationId("0"));
            assertEquals("{\"" + ghost + "\":false}", alice.expect(PresenceAction.QUERY_RESPONSE).data());
        }
    }
}
