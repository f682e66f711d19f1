package io.eddy.server.session;

import io.eddy.protocol.AuthAction;
import io.eddy.protocol.ConnectionAction;
import io.eddy.protocol.EventAction;
import io.eddy.protocol.Message;
import io.eddy.protocol.ParserAction;
import io.eddy.protocol.Topic;
import io.eddy.protocol.codec.MessageCodec;
import io.eddy.server.testing.RawClient;
import io.eddy.server.testing.WebSockets;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Handshake, login and the connection state table (protocol reference §6–§8, errors.md), over real WebSockets. */
@QuarkusTest
class HandshakeTest {

    private static final Duration QUIET = Duration.ofMillis(300);

    @TestHTTPResource("/deepstream")
    URI http;

    private URI uri() {
        return WebSockets.ws(http);
    }

    private static Message auth(String data) {
        return Message.of(AuthAction.REQUEST).data(data);
    }

    @Test
    void challengeIsAcceptedWithTheReferenceBytes() {
        try (RawClient c = RawClient.connect(uri())) {
            c.challenge();
            // ACCEPT is 06 10 02 1a 02 08 04 on the wire: a plain ACCEPT, no extension data
            Message accept = Message.of(ConnectionAction.ACCEPT);
            assertArrayEquals(HexFormat.of().parseHex("0610021a020804"), MessageCodec.encode(accept));
        }
    }

    @Test
    void openLoginWithAndWithoutUsername() {
        try (RawClient c = RawClient.connect(uri())) {
            c.challenge();
            c.send(auth("{\"username\":\"alice\"}"));
            Message ok = c.expect(AuthAction.AUTH_SUCCESSFUL);
            assertNull(ok.data(), "open auth has no clientData");
        }
        try (RawClient c = RawClient.connect(uri())) {
            c.challenge();
            c.send(auth("{}"));
            c.expect(AuthAction.AUTH_SUCCESSFUL);
        }
        try (RawClient c = RawClient.connect(uri())) {
            c.challenge();
            c.send(auth("[1,2]")); // deepstream lets arrays through as auth data
            c.expect(AuthAction.AUTH_SUCCESSFUL);
        }
    }

    @Test
    void fileLoginSendsClientData() {
        try (RawClient c = RawClient.connect(uri())) {
            c.challenge();
            c.send(auth("{\"username\":\"userA\",\"password\":\"pwA\"}"));
            assertEquals("{\"favouriteColor\":\"red\"}", c.expect(AuthAction.AUTH_SUCCESSFUL).data());
        }
        try (RawClient c = RawClient.connect(uri())) {
            c.challenge();
            c.send(auth("{\"username\":\"userB\",\"password\":\"pwB\"}"));
            assertNull(c.expect(AuthAction.AUTH_SUCCESSFUL).data());
        }
    }

    @Test
    void knownUserWithWrongPasswordIsNeverAdmittedByTheOpenProvider() {
        try (RawClient c = RawClient.connect(uri())) {
            c.challenge();
            c.send(auth("{\"username\":\"userA\",\"password\":\"wrong\"}"));
            assertNull(c.expect(AuthAction.AUTH_UNSUCCESSFUL).data(), "a wrong password carries no data");
            c.send(auth("{\"username\":\"userA\"}"));
            assertEquals("{\"error\":\"missing authentication parameter: username or/and password\"}",
                    c.expect(AuthAction.AUTH_UNSUCCESSFUL).data());
        }
    }

    @Test
    void aFailedLoginCanBeRetriedOnTheSameConnection() {
        try (RawClient c = RawClient.connect(uri())) {
            c.challenge();
            c.send(auth("{\"username\":\"userA\",\"password\":\"nope\"}"));
            c.expect(AuthAction.AUTH_UNSUCCESSFUL);
            c.send(auth("{\"username\":\"userA\",\"password\":\"pwA\"}"));
            c.expect(AuthAction.AUTH_SUCCESSFUL);
        }
    }

    @Test
    void thirdFailureEndsTheConnection() {
        try (RawClient c = RawClient.connect(uri())) {
            c.challenge();
            for (int i = 0; i < 3; i++) {
                c.send(auth("{\"username\":\"userB\",\"password\":\"wrong" + i + "\"}"));
                c.expect(AuthAction.AUTH_UNSUCCESSFUL);
            }
            c.expect(AuthAction.TOO_MANY_AUTH_ATTEMPTS);
            c.awaitClose(RawClient.WAIT);
        }
    }

    @Test
    void pingBeforeChallengeIsIgnoredAndOtherTopicsAreRefused() {
        try (RawClient c = RawClient.connect(uri())) {
            c.send(Message.of(ConnectionAction.PING));
            c.send(Message.of(EventAction.EMIT).name("x").data("1"));
            c.expect(ConnectionAction.INVALID_MESSAGE);
            c.expectNothing(QUIET);
            c.challenge(); // still usable
        }
    }

    @Test
    void beforeLoginOnlyAuthIsAccepted() {
        try (RawClient c = RawClient.connect(uri())) {
            c.challenge();
            c.send(Message.of(EventAction.SUBSCRIBE).names(java.util.List.of("x")).correlationId("0"));
            c.send(Message.of(ConnectionAction.PING));
            c.expect(AuthAction.INVALID_MESSAGE);
            c.expectNothing(QUIET); // no PONG before login
            c.send(auth("{\"username\":\"late\"}"));
            c.expect(AuthAction.AUTH_SUCCESSFUL);
        }
    }

    @Test
    void authWithAnotherActionClosesTheConnection() {
        try (RawClient c = RawClient.connect(uri())) {
            c.challenge();
            c.send(Message.of(AuthAction.AUTH_SUCCESSFUL).data("{}"));
            c.expect(AuthAction.INVALID_MESSAGE_DATA);
            c.awaitClose(RawClient.WAIT);
        }
    }

    @Test
    void unparsableAuthDataIsRefusedInsteadOfCrashingTheServer() {
        for (String bad : new String[] {"{not json", "42", "\"text\"", "null"}) {
            try (RawClient c = RawClient.connect(uri())) {
                c.challenge();
                c.send(auth(bad));
                c.expect(AuthAction.INVALID_MESSAGE_DATA);
                c.awaitClose(RawClient.WAIT);
            }
        }
        try (RawClient c = RawClient.connect(uri())) {
            c.challenge();
            c.send(Message.of(AuthAction.REQUEST)); // no data at all
            c.expect(AuthAction.INVALID_MESSAGE_DATA);
            c.awaitClose(RawClient.WAIT);
        }
        try (RawClient c = RawClient.login(uri(), "still-fine")) {
            c.send(Message.of(ConnectionAction.PING));
            c.expect(ConnectionAction.PONG);
        }
    }

    @Test
    void afterLoginPingGetsPongAndOtherTopicsAreUnknown() {
        try (RawClient c = RawClient.login(uri(), "raw3")) {
            c.send(Message.of(ConnectionAction.PING));
            c.expect(ConnectionAction.PONG);
            c.send(new Message(Topic.CLUSTER, 2));
            assertEquals(new Message(Topic.PARSER, ParserAction.UNKNOWN_TOPIC.code()), c.next());
            c.send(auth("{\"username\":\"again\"}"));
            c.expect(ParserAction.UNKNOWN_TOPIC);
            c.send(Message.of(ConnectionAction.CHALLENGE));
            c.expect(ParserAction.UNKNOWN_TOPIC);
        }
    }

    @Test
    void unknownActionOfAKnownTopicGetsADiagnosticOnly() {
        try (RawClient c = RawClient.login(uri(), "raw4")) {
            c.send(new Message(Topic.EVENT, 99).name("x"));
            Message m = c.expect(ParserAction.UNKNOWN_ACTION);
            assertEquals(Topic.EVENT.code(), m.originalTopic());
            assertEquals(99, m.originalAction());
            c.send(Message.of(ConnectionAction.PING));
            c.expect(ConnectionAction.PONG);
        }
    }

    @Test
    void onlyTheFirstMessageOfAStandardFrameIsRead() {
        try (RawClient c = RawClient.login(uri(), "raw5")) {
            c.sendBytes(HexFormat.of().parseHex("0610021a020802" + "0610021a020802"));
            c.expect(ConnectionAction.PONG);
            c.expectNothing(QUIET);
        }
    }

    @Test
    void undecodableFramesAreAnsweredAndTheConnectionStays() {
        try (RawClient c = RawClient.login(uri(), "raw6")) {
            c.sendBytes(HexFormat.of().parseHex("10021a020802")); // no length prefix
            c.expect(ParserAction.UNKNOWN_TOPIC);
            c.sendBytes(HexFormat.of().parseHex("0610631a020802")); // topic 99
            c.expect(ParserAction.UNKNOWN_TOPIC);
            c.sendBytes(HexFormat.of().parseHex("deadbeefcafe")); // garbage
            c.expect(ParserAction.UNKNOWN_TOPIC);
            c.sendBytes(new byte[0]);
            c.expect(ParserAction.UNKNOWN_TOPIC);
            c.send(Message.of(ConnectionAction.PING));
            c.expect(ConnectionAction.PONG);
        }
        try (RawClient c = RawClient.connect(uri())) {
            c.sendBytes(HexFormat.of().parseHex("deadbeef")); // before CHALLENGE
            c.expect(ConnectionAction.INVALID_MESSAGE);
            c.challenge();
            c.sendBytes(HexFormat.of().parseHex("deadbeef")); // before login
            c.expect(AuthAction.INVALID_MESSAGE);
        }
    }

    @Test
    void textFrameClosesTheConnection() {
        try (RawClient c = RawClient.login(uri(), "texter")) {
            c.sendText("hello");
            assertEquals(1003, c.awaitClose(RawClient.WAIT));
        }
    }

    @Test
    void frameOverMaxMessageSizeClosesWith1009AndOthersCarryOn() {
        try (RawClient bystander = RawClient.login(uri(), "bystander");
             RawClient big = RawClient.login(uri(), "big")) {
            String data = "\"" + "x".repeat(1_100_000) + "\"";
            big.trySendBytes(MessageCodec.encode(Message.of(EventAction.EMIT).name("big").data(data)));
            assertEquals(1009, big.awaitClose(RawClient.WAIT));
            bystander.send(Message.of(ConnectionAction.PING));
            bystander.expect(ConnectionAction.PONG);
        }
    }

    @Test
    void frameJustUnderTheLimitIsAccepted() {
        try (RawClient c = RawClient.login(uri(), "almost")) {
            String data = "\"" + "x".repeat(1_000_000) + "\"";
            c.send(Message.of(EventAction.EMIT).name("almost").data(data));
            c.send(Message.of(ConnectionAction.PING));
            c.expect(ConnectionAction.PONG);
            assertFalse(c.isClosed());
        }
    }

    @Test
    void multiMessageFramesAreOnlyUsedWhenNegotiated() {
        try (RawClient c = RawClient.connect(uri())) {
            c.send(Message.of(ConnectionAction.CHALLENGE).data(ProtocolHandler.MULTI_MESSAGE_FRAMES));
            Message accept = c.expect(ConnectionAction.ACCEPT);
            assertEquals(ProtocolHandler.MULTI_MESSAGE_FRAMES, accept.data());
            c.acceptMultiMessageFrames();
            c.send(auth("{\"username\":\"multi\"}"));
            c.expect(AuthAction.AUTH_SUCCESSFUL);
            // both PINGs of one frame are read now
            c.sendBytes(HexFormat.of().parseHex("0610021a020802" + "0610021a020802"));
            c.expect(ConnectionAction.PONG);
            c.expect(ConnectionAction.PONG);
        }
        try (RawClient c = RawClient.connect(uri())) {
            c.send(Message.of(ConnectionAction.CHALLENGE).data("{\"something\":\"else\"}"));
            assertNull(c.expect(ConnectionAction.ACCEPT).data());
        }
    }

    @Test
    void everyPingAfterLoginIsAnswered() {
        try (RawClient c = RawClient.login(uri(), "pinger")) {
            for (int i = 0; i < 50; i++) {
                c.send(Message.of(ConnectionAction.PING));
            }
            for (int i = 0; i < 50; i++) {
                c.expect(ConnectionAction.PONG);
            }
            assertTrue(c.pending() == 0);
        }
    }
}
