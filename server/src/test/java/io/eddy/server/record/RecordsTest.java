package io.eddy.server.record;

import io.eddy.protocol.Message;
import io.eddy.protocol.ParserAction;
import io.eddy.protocol.RecordAction;
import io.eddy.protocol.codec.MessageCodec;
import io.eddy.server.testing.RawClient;
import io.eddy.server.testing.WebSockets;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every record flow of records.md with the exact reply shapes of the transcripts, over real WebSockets. */
@QuarkusTest
class RecordsTest {

    private static final Duration QUIET = Duration.ofMillis(300);

    @TestHTTPResource("/deepstream")
    URI http;

    private RawClient login(String user) {
        return RawClient.login(WebSockets.ws(http), user);
    }

    private static String unique(String prefix) {
        return prefix + "/" + UUID.randomUUID();
    }

    /** getRecord: SUBSCRIBECREATEANDREAD, full echo ack, then READ_RESPONSE; returns the READ_RESPONSE. */
    private static Message getRecord(RawClient c, String name) {
        Message request = Message.of(RecordAction.SUBSCRIBECREATEANDREAD).names(List.of(name)).correlationId("0");
        c.send(request);
        assertEquals(request.copy().isAck(true), c.next());
        return c.expect(RecordAction.READ_RESPONSE);
    }

    private static Message update(String name, int version, String data) {
        return Message.of(RecordAction.UPDATE).name(name).version(version).data(data);
    }

    /**
     * Waits until the client's earlier writes to the record are applied: a HEAD queues behind them on the record,
     * whereas another connection's request could overtake them.
     */
    private static int sync(RawClient c, String name) {
        c.send(Message.of(RecordAction.HEAD).name(name));
        return c.expect(RecordAction.HEAD_RESPONSE).version();
    }

    private static Message read(RawClient c, String name) {
        c.send(Message.of(RecordAction.READ).name(name));
        return c.next();
    }

    @Test
    void newRecordIsReadWithVersionZeroOnTheWire() {
        try (RawClient a = login("A")) {
            String name = unique("doc");
            Message request = Message.of(RecordAction.SUBSCRIBECREATEANDREAD).names(List.of(name)).correlationId("0");
            a.send(request);
            a.next();
            Message response = a.next();
            assertEquals(Message.of(RecordAction.READ_RESPONSE).name(name).version(0).data("{}"), response);
            // version 0 must be on the wire (68 00), or the client reads it as undefined
            assertTrue(HexFormat.of().formatHex(MessageCodec.encode(response)).endsWith("6800"));
        }
    }

    @Test
    void writesReachOtherSubscribersAsUpdatePatchAndErase() {
        try (RawClient a = login("A"); RawClient b = login("B")) {
            String name = unique("doc");
            getRecord(a, name);
            a.send(update(name, 1, "{\"title\":\"first\",\"tags\":[\"a\"]}"));
            sync(a, name);
            assertEquals(Message.of(RecordAction.READ_RESPONSE).name(name).version(1)
                    .data("{\"title\":\"first\",\"tags\":[\"a\"]}"), getRecord(b, name));

            a.send(Message.of(RecordAction.PATCH).name(name).version(2).path("title").data("\"second\""));
            assertEquals(Message.of(RecordAction.PATCH).name(name).version(2).path("title").data("\"second\""), b.next());
            a.send(Message.of(RecordAction.PATCH).name(name).version(3).path("nested.list[1]").data("\"x\""));
            assertEquals(3, b.expect(RecordAction.PATCH).version());
            a.send(Message.of(RecordAction.ERASE).name(name).version(4).path("tags"));
            assertEquals(Message.of(RecordAction.PATCH).name(name).version(4).path("tags"), b.next());
            a.expectNothing(QUIET); // the writer gets no echo

            assertEquals(Message.of(RecordAction.READ_RESPONSE).name(name).version(4)
                    .data("{\"title\":\"second\",\"nested\":{\"list\":[null,\"x\"]}}"), read(b, name));
        }
    }

    @Test
    void writeAcknowledgementsCarryTheCorrelationId() {
        try (RawClient a = login("A"); RawClient b = login("B")) {
            String name = unique("ack");
            getRecord(a, name);
            getRecord(b, name);
            a.send(update(name, 1, "{\"title\":\"acked\"}").correlationId("1").isWriteAck(true));
            assertEquals(Message.of(RecordAction.WRITE_ACKNOWLEDGEMENT).name(name).correlationId("1").isWriteAck(true),
                    a.next());
            assertEquals(update(name, 1, "{\"title\":\"acked\"}"), b.next());
            a.send(Message.of(RecordAction.PATCH).name(name).version(2).path("title").data("\"acked2\"")
                    .correlationId("2").isWriteAck(true));
            assertEquals("2", a.expect(RecordAction.WRITE_ACKNOWLEDGEMENT).correlationId());
        }
    }

    @Test
    void headReadAndHasWithoutSubscribing() {
        try (RawClient a = login("A"); RawClient c = login("C")) {
            String name = unique("doc");
            getRecord(a, name);
            a.send(update(name, 1, "{\"v\":1}").correlationId("1").isWriteAck(true));
            a.expect(RecordAction.WRITE_ACKNOWLEDGEMENT);
            c.send(Message.of(RecordAction.HEAD).name(name));
            assertEquals(Message.of(RecordAction.HEAD_RESPONSE).name(name).version(1), c.next());
            String missing = unique("missing");
            c.send(Message.of(RecordAction.HEAD).name(missing));
            assertEquals(Message.of(RecordAction.HEAD_RESPONSE).name(missing).version(-1), c.next());
            assertEquals(Message.of(RecordAction.READ_RESPONSE).name(name).version(1).data("{\"v\":1}"), read(c, name));
            assertEquals(Message.of(RecordAction.RECORD_NOT_FOUND).name(missing).originalAction(RecordAction.READ)
                    .isError(true), read(c, missing));
        }
    }

    @Test
    void setDataWithoutSubscribingCreatesAndAssignsTheNextVersion() {
        try (RawClient a = login("A"); RawClient c = login("C")) {
            String name = unique("doc");
            getRecord(a, name);
            c.send(Message.of(RecordAction.CREATEANDUPDATE).name(name).version(-1).data("{\"title\":\"from-setData\"}"));
            assertEquals(update(name, 1, "{\"title\":\"from-setData\"}"), a.next());
            c.send(Message.of(RecordAction.CREATEANDPATCH).name(name).version(-1).path("count").data("7")
                    .correlationId("1").isWriteAck(true));
            assertEquals("1", c.expect(RecordAction.WRITE_ACKNOWLEDGEMENT).correlationId());
            assertEquals(Message.of(RecordAction.PATCH).name(name).version(2).path("count").data("7"), a.next());
            c.send(Message.of(RecordAction.ERASE).name(name).version(-1).path("count"));
            assertEquals(Message.of(RecordAction.PATCH).name(name).version(3).path("count"), a.next());

            String fresh = unique("fresh");
            c.send(Message.of(RecordAction.CREATEANDUPDATE).name(fresh).version(-1).data("{\"created\":true}")
                    .correlationId("2").isWriteAck(true));
            assertEquals("2", c.expect(RecordAction.WRITE_ACKNOWLEDGEMENT).correlationId());
            assertEquals(Message.of(RecordAction.READ_RESPONSE).name(fresh).version(1).data("{\"created\":true}"),
                    read(c, fresh));
        }
    }

    @Test
    void versionRulesOfRecordsMd() {
        try (RawClient a = login("A"); RawClient r = login("R")) {
            String name = unique("conf");
            getRecord(a, name);
            for (int v = 1; v <= 4; v++) {
                a.send(update(name, v, "{\"n\":" + v + "}"));
            }
            a.send(Message.of(RecordAction.HEAD).name(name));
            assertEquals(4, a.expect(RecordAction.HEAD_RESPONSE).version());

            r.send(update(name, 1, "{\"n\":\"stale\"}"));
            assertEquals(Message.of(RecordAction.VERSION_EXISTS).name(name).version(4).data("{\"n\":4}")
                    .originalAction(RecordAction.UPDATE), r.next());
            r.send(Message.of(RecordAction.PATCH).name(name).version(2).path("n").data("\"stale\"")
                    .correlationId("w1").isWriteAck(true));
            assertEquals(Message.of(RecordAction.VERSION_EXISTS).name(name).version(4).data("{\"n\":4}")
                    .originalAction(RecordAction.PATCH).correlationId("w1").isWriteAck(true), r.next());

            r.send(update(name, -1, "{\"n\":\"forced\"}"));
            assertEquals(update(name, 5, "{\"n\":\"forced\"}"), a.next());

            // a burst: current+1, current+1 again, current+2 → first and third accepted
            r.send(update(name, 6, "{\"n\":\"burst1\"}"));
            r.send(update(name, 6, "{\"n\":\"burst2\"}"));
            r.send(update(name, 7, "{\"n\":\"burst3\"}"));
            assertEquals(Message.of(RecordAction.VERSION_EXISTS).name(name).version(6).data("{\"n\":\"burst1\"}")
                    .originalAction(RecordAction.UPDATE), r.next());
            assertEquals(update(name, 6, "{\"n\":\"burst1\"}"), a.next());
            assertEquals(update(name, 7, "{\"n\":\"burst3\"}"), a.next());

            r.send(update(name, 14, "{\"n\":\"future\"}"));
            assertEquals(update(name, 14, "{\"n\":\"future\"}").action(RecordAction.INVALID_VERSION)
                    .originalAction(RecordAction.UPDATE).version(7).isError(true), r.next());
            // unlike 7.0.2 the record is not stuck afterwards
            r.send(update(name, 8, "{\"n\":\"after-invalid\"}"));
            assertEquals(update(name, 8, "{\"n\":\"after-invalid\"}"), a.next());
        }
    }

    @Test
    void badWritesAreRefusedAndNothingIsStored() {
        try (RawClient a = login("A"); RawClient r = login("R")) {
            String name = unique("err");
            getRecord(a, name);
            a.send(update(name, 1, "{\"a\":1}"));
            sync(a, name);

            r.send(update(name, -1, "5"));
            assertEquals(update(name, -1, "5").action(RecordAction.INVALID_MESSAGE_DATA)
                    .originalAction(RecordAction.UPDATE).isError(true), r.next());
            // crashes deepstream 7.0.2; the reply must not echo the data, which the client would fail to parse
            r.send(update(name, -1, "{broken"));
            assertEquals(Message.of(RecordAction.INVALID_MESSAGE_DATA).name(name).originalAction(RecordAction.UPDATE)
                    .isError(true), r.next());
            r.send(Message.of(RecordAction.UPDATE).name(name).data("{}"));
            assertEquals(RecordAction.INVALID_MESSAGE_DATA.code(), r.next().action());
            r.send(Message.of(RecordAction.PATCH).name(name).version(-1).path("__proto__.polluted").data("1"));
            assertEquals(RecordAction.INVALID_MESSAGE_DATA.code(), r.next().action());
            r.send(Message.of(RecordAction.PATCH).name(name).version(-1).path("a[x]").data("1"));
            assertEquals(RecordAction.INVALID_MESSAGE_DATA.code(), r.next().action());
            r.send(update("", -1, "{}"));
            assertEquals(RecordAction.INVALID_MESSAGE_DATA.code(), r.next().action());
            r.send(update("x".repeat(2000), -1, "{}"));
            assertEquals(RecordAction.INVALID_MESSAGE_DATA.code(), r.next().action());
            a.expectNothing(QUIET);
            assertEquals(Message.of(RecordAction.READ_RESPONSE).name(name).version(1).data("{\"a\":1}"), read(r, name));

            String nope = unique("nope");
            r.send(update(nope, 1, "{}"));
            assertEquals(Message.of(RecordAction.RECORD_UPDATE_ERROR).name(nope).isError(true), r.next());
            assertEquals(RecordAction.RECORD_NOT_FOUND.code(), read(r, nope).action());
        }
    }

    @Test
    void loneSurrogatesSurviveAPatchAsJavaScriptWritesThem() {
        try (RawClient a = login("A"); RawClient b = login("B")) {
            String name = unique("surrogates");
            getRecord(a, name);
            // what JSON.stringify sends for the string "a\ud800b": the lone surrogate escaped
            a.send(update(name, 1, "{\"s\":\"a\\ud800b\"}"));
            a.send(Message.of(RecordAction.PATCH).name(name).version(2).path("n").data("1"));
            assertEquals(2, sync(a, name));
            assertEquals("{\"s\":\"a\\ud800b\",\"n\":1}", read(b, name).data());
        }
    }

    @Test
    void writeAckDoublesAsUpsertLikeDeepstream() {
        try (RawClient r = login("R")) {
            String name = unique("nope2");
            r.send(Message.of(RecordAction.PATCH).name(name).version(1).path("x").data("1").correlationId("c9")
                    .isWriteAck(true));
            assertEquals(Message.of(RecordAction.WRITE_ACKNOWLEDGEMENT).name(name).correlationId("c9").isWriteAck(true),
                    r.next());
            assertEquals(Message.of(RecordAction.READ_RESPONSE).name(name).version(1).data("{\"x\":1}"), read(r, name));
        }
    }

    @Test
    void pathThroughNullIsAppliedAsTheClientDoes() {
        try (RawClient a = login("A"); RawClient b = login("B")) {
            String name = unique("null-path");
            getRecord(a, name);
            a.send(update(name, 1, "{\"a\":null}"));
            a.send(Message.of(RecordAction.PATCH).name(name).version(2).path("a.b").data("1"));
            assertEquals(2, sync(a, name));
            assertEquals(Message.of(RecordAction.READ_RESPONSE).name(name).version(2).data("{\"a\":{\"b\":1}}"),
                    read(b, name));
        }
    }

    @Test
    void patchMultiAppliesAllOrNothing() {
        try (RawClient a = login("A"); RawClient b = login("B")) {
            String name = unique("multi");
            getRecord(a, name);
            getRecord(b, name);
            String ops = "[{\"path\":\"a\",\"data\":1},{\"path\":\"b.c\",\"data\":[2]},{\"path\":\"a\"}]";
            a.send(Message.of(RecordAction.PATCH_MULTI).name(name).version(1).data(ops));
            assertEquals(Message.of(RecordAction.PATCH_MULTI).name(name).version(1).data(ops), b.next());
            assertEquals("{\"b\":{\"c\":[2]}}", read(b, name).data());
            a.send(Message.of(RecordAction.PATCH_MULTI).name(name).version(2)
                    .data("[{\"path\":\"ok\",\"data\":1},{\"path\":\"constructor\",\"data\":1}]"));
            assertEquals(RecordAction.INVALID_MESSAGE_DATA.code(), a.next().action());
            a.send(Message.of(RecordAction.PATCH_MULTI).name(name).version(2).data("[]"));
            assertEquals(RecordAction.INVALID_MESSAGE_DATA.code(), a.next().action());
            b.expectNothing(QUIET);
            assertEquals(1, read(b, name).version());
        }
    }

    @Test
    void subscribeVariantsAndTheirAcks() {
        try (RawClient a = login("A"); RawClient r = login("R")) {
            String name = unique("err");
            getRecord(a, name);
            a.send(update(name, 1, "{\"a\":1}"));
            a.send(update(name, 2, "{\"a\":2}"));
            assertEquals(2, sync(a, name));

            r.send(Message.of(RecordAction.SUBSCRIBE).names(List.of(name)).correlationId("s1"));
            assertEquals(Message.of(RecordAction.SUBSCRIBE).correlationId("s1").isAck(true), r.next());
            r.send(Message.of(RecordAction.SUBSCRIBE).names(List.of(name)).correlationId("s2"));
            assertEquals(Message.of(RecordAction.MULTIPLE_SUBSCRIPTIONS).name(name)
                    .originalAction(RecordAction.SUBSCRIBE), r.next());
            assertEquals(Message.of(RecordAction.SUBSCRIBE).correlationId("s2").isAck(true), r.next());
            r.send(Message.of(RecordAction.UNSUBSCRIBE).names(List.of(unique("other"))).correlationId("u1"));
            assertEquals(Message.of(RecordAction.UNSUBSCRIBE).correlationId("u1").isAck(true), r.next());
            a.send(update(name, 3, "{\"a\":3}"));
            assertEquals(update(name, 3, "{\"a\":3}"), r.next());

            String missing = unique("missing");
            r.send(Message.of(RecordAction.SUBSCRIBEANDHEAD).names(List.of(name, missing)).correlationId("h1"));
            assertEquals(Message.of(RecordAction.HEAD_RESPONSE_BULK).versions(Map.of(name, 3)), r.next());
            assertEquals(Message.of(RecordAction.MULTIPLE_SUBSCRIPTIONS).name(name)
                    .originalAction(RecordAction.SUBSCRIBEANDHEAD), r.next());
            assertEquals(Message.of(RecordAction.SUBSCRIBEANDHEAD).correlationId("h1").isAck(true), r.next());
            assertEquals(Message.of(RecordAction.HEAD_RESPONSE).name(missing).version(-1), r.next());

            String missing2 = unique("missing2");
            Message readOnly = Message.of(RecordAction.SUBSCRIBEANDREAD).names(List.of(missing2)).correlationId("r1");
            r.send(readOnly);
            assertEquals(readOnly.copy().isAck(true), r.next());
            assertEquals(Message.of(RecordAction.READ_RESPONSE).name(missing2).version(-1).data("{}"), r.next());
            r.send(Message.of(RecordAction.HEAD).name(missing2));
            assertEquals(-1, r.expect(RecordAction.HEAD_RESPONSE).version(), "SUBSCRIBEANDREAD never creates");
        }
    }

    @Test
    void deleteTellsOthersAndUnsubscribesThem() {
        try (RawClient a = login("A"); RawClient b = login("B")) {
            String name = unique("del");
            getRecord(a, name);
            a.send(update(name, 1, "{\"v\":1}"));
            sync(a, name);
            assertEquals(1, getRecord(b, name).version());
            b.send(Message.of(RecordAction.DELETE).name(name));
            assertEquals(Message.of(RecordAction.DELETE_SUCCESS).name(name), b.next());
            assertEquals(Message.of(RecordAction.DELETED).name(name), a.next());
            assertEquals(RecordAction.RECORD_NOT_FOUND.code(), read(a, name).action());
            // a was unsubscribed by the server: a re-created record's writes do not reach it
            try (RawClient c = login("C"); RawClient d = login("D")) {
                assertEquals(0, getRecord(c, name).version());
                assertEquals(0, getRecord(d, name).version());
                c.send(update(name, 1, "{\"again\":true}"));
                assertEquals(update(name, 1, "{\"again\":true}"), d.next()); // a subscriber does get it
                a.expectNothing(QUIET);
            }
            b.send(Message.of(RecordAction.DELETE).name(unique("never")));
            assertEquals(RecordAction.DELETE_SUCCESS.code(), b.next().action());
        }
    }

    @Test
    void notifyPushesTheStoredStateAndKeepsTheRecord() {
        try (RawClient a = login("A"); RawClient c = login("C")) {
            String name = unique("notify");
            getRecord(a, name);
            getRecord(c, name);
            a.send(update(name, 1, "{\"v\":1}").correlationId("1").isWriteAck(true));
            a.expect(RecordAction.WRITE_ACKNOWLEDGEMENT);
            c.expect(RecordAction.UPDATE);
            Message notify = Message.of(RecordAction.NOTIFY).names(List.of(name)).correlationId("n-1");
            c.send(notify);
            assertEquals(update(name, 1, "{\"v\":1}"), a.next());
            assertEquals(update(name, 1, "{\"v\":1}"), c.next()); // the notifier too
            assertEquals(notify.copy().isAck(true), c.next());
            assertEquals(1, read(c, name).version());
        }
    }

    @Test
    void recordListeningTellsSubscribersAboutProviders() {
        try (RawClient p = login("P"); RawClient s = login("S"); RawClient s2 = login("S2")) {
            String prefix = "stock-" + UUID.randomUUID();
            String name = prefix + "/aapl";
            p.send(Message.of(RecordAction.LISTEN).name("^" + prefix + "/"));
            assertEquals(Message.of(RecordAction.LISTEN).name("^" + prefix + "/").isAck(true), p.next());
            assertEquals(0, getRecord(s, name).version());
            assertEquals(Message.of(RecordAction.SUBSCRIPTION_FOR_PATTERN_FOUND).name("^" + prefix + "/")
                    .subscription(name), p.next());
            p.send(Message.of(RecordAction.LISTEN_ACCEPT).name("^" + prefix + "/").subscription(name));
            assertEquals(Message.of(RecordAction.SUBSCRIPTION_HAS_PROVIDER).name(name), s.next());

            Message request = Message.of(RecordAction.SUBSCRIBECREATEANDREAD).names(List.of(name)).correlationId("0");
            s2.send(request);
            assertEquals(request.copy().isAck(true), s2.next());
            assertEquals(Message.of(RecordAction.SUBSCRIPTION_HAS_PROVIDER).name(name), s2.next());
            s2.expect(RecordAction.READ_RESPONSE);

            p.send(Message.of(RecordAction.UNLISTEN).name("^" + prefix + "/"));
            assertEquals(Message.of(RecordAction.SUBSCRIPTION_HAS_NO_PROVIDER).name(name), s.next());
            assertEquals(Message.of(RecordAction.SUBSCRIPTION_HAS_NO_PROVIDER).name(name), s2.next());
            p.expect(RecordAction.UNLISTEN);
        }
    }

    @Test
    void recordOfNearlyOneMebibyteWorks() {
        try (RawClient a = login("A"); RawClient b = login("B")) {
            String name = unique("big");
            getRecord(a, name);
            getRecord(b, name);
            String data = "{\"text\":\"" + "ü".repeat(500_000) + "\"}"; // 1 MB of UTF-8
            a.send(update(name, 1, data).correlationId("1").isWriteAck(true));
            a.expect(RecordAction.WRITE_ACKNOWLEDGEMENT);
            assertEquals(data, b.expect(RecordAction.UPDATE).data());
            try (RawClient c = login("C")) {
                assertEquals(data, read(c, name).data());
            }
        }
    }

    @Test
    void unhandledActionsGetADiagnostic() {
        try (RawClient r = login("R")) {
            r.send(Message.of(RecordAction.HEAD_BULK).names(List.of("x")).correlationId("hb"));
            Message m = r.next();
            assertEquals(ParserAction.UNKNOWN_ACTION.code(), m.action());
            r.send(Message.of(RecordAction.CREATE).name("x"));
            assertEquals(ParserAction.UNKNOWN_ACTION.code(), r.next().action());
            assertFalse(r.isClosed());
        }
    }

    @Test
    void discardedSubscriberGetsNothingMore() {
        try (RawClient a = login("A"); RawClient b = login("B"); RawClient c = login("C")) {
            String name = unique("disc");
            getRecord(a, name);
            getRecord(b, name);
            getRecord(c, name);
            b.send(Message.of(RecordAction.UNSUBSCRIBE).names(List.of(name)).correlationId(name));
            assertEquals(Message.of(RecordAction.UNSUBSCRIBE).correlationId(name).isAck(true), b.next());
            a.send(update(name, 1, "{\"x\":1}"));
            assertEquals(update(name, 1, "{\"x\":1}"), c.next()); // a subscriber still gets it
            b.expectNothing(QUIET);
        }
    }
}
