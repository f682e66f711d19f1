package io.eddy.client;

import io.eddy.protocol.Message;
import io.eddy.protocol.RecordAction;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lists: plain records holding an array of strings, changed by whole-array UPDATEs (lists.jsonl). */
@QuarkusTest
class RecordListTest extends RecordTestBase {

    @Test
    void listChangesReachAnotherClientAsWholeArrayUpdates() {
        EddyClient a = client("A");
        List<Message> updatesAtB = new CopyOnWriteArrayList<>();
        EddyClient b = loggedIn(recordBuilder(new ClientRecorder()).onMessage(m -> {
            if (m.is(RecordAction.UPDATE) || m.is(RecordAction.PATCH)) {
                updatesAtB.add(m);
            }
        }), "B");
        String name = unique("todo");
        RecordList mine = Await.result(a.record().getList(name).whenReady());
        assertEquals(List.of(), mine.getEntries(), "a new record's {} reads as an empty list");
        assertTrue(mine.isEmpty());

        mine.addEntry("a");
        Await.result(mine.addEntryWithAck("b"));
        RecordList theirs = Await.result(b.record().getList(name).whenReady());
        assertEquals(List.of("a", "b"), theirs.getEntries());
        BlockingQueue<List<String>> seen = new LinkedBlockingQueue<>();
        theirs.subscribe(seen::add);

        mine.addEntry("first", 0);
        assertEquals(List.of("first", "a", "b"), Await.next(seen));
        mine.removeEntry("a");
        assertEquals(List.of("first", "b"), Await.next(seen));
        Await.result(mine.setEntriesWithAck(List.of("x", "y", "z")));
        assertEquals(List.of("x", "y", "z"), Await.next(seen));
        theirs.removeEntry("y", 1);
        eventually(List.of("x", "z"), mine::getEntries);
        theirs.removeEntry("x", 1); // not at that index: nothing changes
        Await.result(theirs.addEntryWithAck("end"));
        eventually(List.of("x", "z", "end"), mine::getEntries);

        assertEquals(7, mine.record().version());
        assertEquals(7, theirs.record().version());
        assertEquals(3, updatesAtB.size(), () -> "B received A's three changes: " + updatesAtB);
        for (Message update : updatesAtB) {
            assertTrue(update.is(RecordAction.UPDATE) && json(update.data()).isArray(), update::toString);
        }
    }

    @Test
    void indicesOutsideTheEntriesAreRefused() {
        RecordList list = Await.result(client("A").record().getList(unique("bounds")).whenReady());
        Await.result(list.setEntriesWithAck(List.of("only")));

        assertThrows(IndexOutOfBoundsException.class, () -> list.addEntry("x", 2));
        assertThrows(IndexOutOfBoundsException.class, () -> list.removeEntry("only", -1));
        list.addEntry("last", 1);
        eventually(List.of("only", "last"), list::getEntries);
    }

    @Test
    void duplicatesAreRemovedTogetherUnlessAnIndexIsGiven() {
        EddyClient a = client("A");
        String name = unique("dups");
        RecordList list = Await.result(a.record().getList(name).whenReady());
        Await.result(list.setEntriesWithAck(List.of("r", "s", "r", "r")));

        list.removeEntry("r", 2);
        eventually(List.of("r", "s", "r"), list::getEntries);
        Await.result(list.removeEntryWithAck("r"));

        assertEquals(List.of("s"), list.getEntries());
        assertEquals(List.of("s"), Await.result(client("B").record().getList(name).whenReady()).getEntries());
    }
}
