package io.eddy.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.eddy.protocol.Message;
import io.eddy.protocol.RecordAction;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Records across a connection loss (README §9, reconnect.jsonl). The client under test reaches the server through a
 * {@link TcpProxy}; while the proxy refuses connections, other clients change the records it holds.
 */
@QuarkusTest
class RecordReconnectTest extends RecordTestBase {

    private TcpProxy proxy;
    private ClientRecorder recorder;
    private final List<Message> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startProxy() throws IOException {
        proxy = new TcpProxy(serverPort());
        recorder = new ClientRecorder();
    }

    @AfterEach
    void stopProxy() {
        proxy.close();
    }

    /** A client behind the proxy that retries quickly and records every RECORD message it receives. */
    private EddyClient proxied(MergeStrategy strategy) {
        return loggedIn(builder(proxy.uri(), recorder)
                .recordDiscardTimeout(Duration.ofMillis(50))
                .reconnectIntervalIncrement(Duration.ofMillis(100))
                .mergeStrategy(strategy)
                .onMessage(m -> {
                    if (m.topic() == io.eddy.protocol.Topic.RECORD) {
                        received.add(m);
                    }
                }), "offline");
    }

    private void goOffline() {
        proxy.refuse(true);
        proxy.dropAll();
        recorder.awaitState(ConnectionState.RECONNECTING, 1, Await.TIMEOUT);
        received.clear();
    }

    private void comeBack() {
        proxy.refuse(false);
        recorder.awaitState(ConnectionState.OPEN, 2, Await.TIMEOUT);
    }

    private List<Message> receivedOf(RecordAction action) {
        return received.stream().filter(m -> m.is(action)).toList();
    }

    @Test
    void aChangeMadeWhileOfflineIsPickedUpThroughSubscribeAndHeadThenRead() {
        EddyClient client = proxied(MergeStrategy.REMOTE_WINS);
        EddyClient writer = client("W");
        String name = unique("rc");
        Record record = ready(client.record().getRecord(name));
        Await.result(record.setWithAck(Map.of("v", 1)));
        BlockingQueue<JsonNode> changes = new LinkedBlockingQueue<>();
        record.subscribe(changes::add);

        goOffline();
        Await.result(writer.record().setDataWithAck(name, Map.of("v", 2)));
        Await.result(writer.record().setDataWithAck(name, Map.of("v", 3)));
        String unheld = unique("unheld");
        Await.result(writer.record().setDataWithAck(unheld, Map.of("w", 1)));
        CompletableFuture<JsonNode> offlineSnapshot = client.record().snapshot(unheld);
        assertEquals(json("{'v':1}"), Await.result(client.record().snapshot(name)), "a held record answers itself");
        assertEquals(1, record.version(), "nothing reaches the offline client");
        comeBack();

        assertEquals(json("{'v':3}"), Await.next(changes));
        assertEquals(3, record.version());
        assertEquals(json("{'w':1}"), Await.result(offlineSnapshot), "made offline, sent after the reconnect");
        Message bulk = receivedOf(RecordAction.HEAD_RESPONSE_BULK).get(0);
        assertEquals(Map.of(name, 3), bulk.versions());
        assertEquals("0", receivedOf(RecordAction.SUBSCRIBEANDHEAD).get(0).correlationId(),
                "one SUBSCRIBEANDHEAD, acknowledged");
        assertTrue(receivedOf(RecordAction.READ_RESPONSE).stream().anyMatch(m -> m.version() == 3));

        Await.result(writer.record().setDataWithAck(name, "v", 4));
        assertEquals(json("{'v':4}"), Await.next(changes), "the subscription was restored");
        assertEquals(4, record.version());
    }

    @Test
    void aRecordNobodyChangedIsRestoredWithoutReading() {
        EddyClient client = proxied(MergeStrategy.REMOTE_WINS);
        String name = unique("quiet");
        Record record = ready(client.record().getRecord(name));
        Await.result(record.setWithAck(Map.of("v", 1)));

        goOffline();
        comeBack();

        Await.until(() -> !receivedOf(RecordAction.HEAD_RESPONSE_BULK).isEmpty(), Await.TIMEOUT, () -> "the HEAD");
        Await.result(record.setWithAck("v", 2)); // goes out with version 2 and is taken
        assertEquals(List.of(), receivedOf(RecordAction.READ_RESPONSE));
        assertEquals(json("{'v':2}"), Await.result(client("B").record().snapshot(name)));
    }

    @Test
    void offlineWritesAreSentWhenTheServerIsStillWhereTheClientLeftIt() {
        EddyClient client = proxied(MergeStrategy.REMOTE_WINS);
        EddyClient other = client("W");
        String name = unique("offline");
        Record record = ready(client.record().getRecord(name));
        Await.result(record.setWithAck(Map.of("n", 0)));
        Record watcher = ready(other.record().getRecord(name));

        goOffline();
        record.set("first", 1);
        record.set("second", 2);
        EddyClientException acked = Await.failure(record.setWithAck("third", 3));
        assertEquals("CLIENT_OFFLINE", acked.event());
        assertEquals(2, record.version(), "all offline writes move the version by one");
        comeBack();

        JsonNode expected = json("{'n':0,'first':1,'second':2,'third':3}");
        eventually(expected, watcher::get);
        assertEquals(2, watcher.version());
        assertEquals(expected, record.get());
        assertEquals(2, record.version());
        assertEquals(List.of(), receivedOf(RecordAction.READ_RESPONSE), "no READ was needed");
    }

    @Test
    void offlineWritesThatMeetChangesMadeMeanwhileAreMerged() {
        EddyClient client = proxied(RecordConflictTest.UNION);
        EddyClient other = client("W");
        String name = unique("merged");
        Record record = ready(client.record().getRecord(name));
        Await.result(record.setWithAck(Map.of("base", 0)));
        Record watcher = ready(other.record().getRecord(name));
        eventually(1, watcher::version);

        goOffline();
        record.set("fromOffline", 1);
        Await.result(watcher.setWithAck("fromOnline", 1));
        comeBack();

        JsonNode expected = json("{'base':0,'fromOnline':1,'fromOffline':1}");
        eventually(expected, watcher::get);
        assertEquals(3, watcher.version(), "the merge was written on top of the server's version 2");
        assertEquals(expected, record.get());
        assertEquals(3, record.version());
    }

    @Test
    void aRecordDeletedWhileOfflineReportsDeleted() {
        EddyClient client = proxied(MergeStrategy.REMOTE_WINS);
        EddyClient other = client("W");
        String name = unique("gone");
        Record record = ready(client.record().getRecord(name));
        BlockingQueue<String> deleted = new LinkedBlockingQueue<>();
        record.onDeleted(() -> deleted.add(name));
        Record deleter = ready(other.record().getRecord(name));

        goOffline();
        Await.result(deleter.delete());
        comeBack();

        assertEquals(name, Await.next(deleted));
        assertTrue(record.isDeleted());
        assertEquals(-1, receivedOf(RecordAction.HEAD_RESPONSE).get(0).version());
        assertFalse(Await.result(client.record().has(name)));
    }
}
