package io.eddy.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eddy.protocol.Message;
import io.eddy.protocol.RecordAction;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Version conflicts. A deterministic conflict is made by writing a raw UPDATE through a client's socket behind its
 * record's back: the server takes the raw write, never echoes it to its writer, and the record's own next write
 * meets VERSION_EXISTS.
 */
@QuarkusTest
class RecordConflictTest extends RecordTestBase {

    /** Keeps every key of both sides; the remote value wins where both have one. */
    static final MergeStrategy UNION = (local, localVersion, remote, remoteVersion) -> {
        if (!local.isObject() || !remote.isObject()) {
            return remote;
        }
        ObjectNode merged = ((ObjectNode) remote).deepCopy();
        local.fields().forEachRemaining(e -> {
            if (!merged.has(e.getKey())) {
                merged.set(e.getKey(), e.getValue());
            }
        });
        return merged;
    };

    private static Message rawUpdate(String name, int version, String data) {
        return Message.of(RecordAction.UPDATE).name(name).version(version).data(data);
    }

    @Test
    void onVersionExistsTheDefaultStrategyTakesTheServersState() {
        EddyClient a = client("A");
        EddyClient b = client("B");
        String name = unique("conflict");
        Record atA = ready(a.record().getRecord(name));
        Record atB = ready(b.record().getRecord(name));

        b.send(rawUpdate(name, 1, "{\"raw\":true}"));
        CompletableFuture<Void> lost = atB.setWithAck("mine", 1);

        assertEquals("VERSION_EXISTS", Await.failure(lost).event(), "the write lost the race");
        eventually(json("{'raw':true}"), atB::get);
        assertEquals(1, atB.version());
        eventually(json("{'raw':true}"), atA::get);
        assertEquals(1, atA.version());
    }

    @Test
    void aCustomStrategyWritesTheMergedStateOnTopOfTheServersVersion() {
        EddyClient a = client("A");
        EddyClient b = client("B");
        String name = unique("conflict");
        Record atA = ready(a.record().getRecord(name));
        Record atB = ready(b.record().getRecord(name));
        List<String> calls = new CopyOnWriteArrayList<>();
        atB.setMergeStrategy((local, localVersion, remote, remoteVersion) -> {
            calls.add(local + "@" + localVersion + " " + remote + "@" + remoteVersion);
            return UNION.merge(local, localVersion, remote, remoteVersion);
        });

        b.send(rawUpdate(name, 1, "{\"raw\":true}"));
        atB.set("mine", 1);

        JsonNode merged = json("{'raw':true,'mine':1}");
        eventually(merged, atA::get);
        assertEquals(2, atA.version(), "the merge went out as version remote + 1");
        assertEquals(merged, atB.get());
        assertEquals(2, atB.version());
        assertEquals(List.of("{\"mine\":1}@1 {\"raw\":true}@1"), calls);
        assertEquals(merged, Await.result(client("C").record().snapshot(name)));
    }

    @Test
    void aPatchThatSkipsAVersionIsResolvedByReadingTheRecord() {
        EddyClient a = client("A");
        List<Message> reads = new CopyOnWriteArrayList<>();
        EddyClient b = loggedIn(recordBuilder(new ClientRecorder()).onMessage(m -> {
            if (m.is(RecordAction.READ_RESPONSE)) {
                reads.add(m);
            }
        }), "B");
        String name = unique("gap");
        Record atA = ready(a.record().getRecord(name));
        Record atB = ready(b.record().getRecord(name));
        reads.clear();

        b.send(rawUpdate(name, 1, "{\"raw\":true}")); // B's record does not see version 1
        eventually(1, atA::version);
        atA.set("x", 1); // PATCH version 2 reaches B, which is still at 0

        JsonNode expected = json("{'raw':true,'x':1}");
        eventually(expected, atB::get);
        assertEquals(2, atB.version());
        assertEquals(1, reads.size(), "B read the record to merge");
        assertEquals(2, reads.get(0).version());
    }

    @Test
    void concurrentWritersConvergeToTheSameDataAndVersion() throws Exception {
        String name = unique("contended");
        List<Record> records = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            records.add(ready(client("W" + i).record().getRecord(name)));
        }

        AtomicInteger written = new AtomicInteger();
        List<Thread> writers = IntStream.range(0, records.size()).mapToObj(i -> new Thread(() -> {
            Record record = records.get(i);
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int n = 0; n < 60; n++) {
                if (n % 15 == 14) {
                    record.set(Map.of("reset", "by " + i, "n", n));
                } else if (n % 7 == 6) {
                    record.erase("k" + random.nextInt(4));
                } else {
                    record.set("k" + random.nextInt(4) + (random.nextBoolean() ? ".deep" : ""), i * 100 + n);
                }
                written.incrementAndGet();
                if (random.nextInt(4) == 0) {
                    Await.sleep(Duration.ofMillis(1));
                }
            }
        })).toList();
        writers.forEach(Thread::start);
        for (Thread writer : writers) {
            writer.join(Await.TIMEOUT.toMillis());
        }
        assertEquals(240, written.get());

        assertConverged(name, records);
    }

    @Test
    void concurrentWritersWithAUnionStrategyKeepEveryKey() throws Exception {
        String name = unique("union");
        List<Record> records = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            records.add(ready(loggedIn(recordBuilder(new ClientRecorder()).mergeStrategy(UNION), "U" + i)
                    .record().getRecord(name)));
        }

        List<Thread> writers = IntStream.range(0, records.size()).mapToObj(i -> new Thread(() -> {
            for (int n = 0; n < 30; n++) {
                records.get(i).set("c" + i + "-" + n, n);
            }
        })).toList();
        writers.forEach(Thread::start);
        for (Thread writer : writers) {
            writer.join(Await.TIMEOUT.toMillis());
        }

        JsonNode result = assertConverged(name, records);
        assertEquals(90, result.size(), () -> "every key survives: " + result);
    }

    /** Waits until every record and the server agree, and returns the data they agree on. */
    private JsonNode assertConverged(String name, List<Record> records) {
        EddyClient observer = client("observer");
        Await.until(() -> {
            JsonNode server = Await.result(observer.record().snapshot(name));
            int version = Await.result(observer.record().head(name));
            return records.stream().allMatch(r -> r.version() == version && server.equals(r.get()));
        }, Duration.ofSeconds(10), () -> "convergence: server v" + Await.result(observer.record().head(name)) + " "
                + Await.result(observer.record().snapshot(name)) + "; records "
                + records.stream().map(r -> "v" + r.version() + " " + r.get()).toList());
        int version = Await.result(observer.record().head(name));
        assertTrue(version > 1);
        Await.sleep(QUIET); // and they stay so: nothing is still on its way
        JsonNode server = Await.result(observer.record().snapshot(name));
        for (Record record : records) {
            assertEquals(server, record.get());
            assertEquals(version, record.version());
        }
        return server;
    }
}
