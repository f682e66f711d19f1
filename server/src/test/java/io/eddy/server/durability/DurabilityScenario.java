package io.eddy.server.durability;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eddy.protocol.Message;
import io.eddy.protocol.RecordAction;
import io.eddy.server.testing.EddyProcess;
import io.eddy.server.testing.RawClient;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Writes with acknowledgements, SIGKILLs the server the moment the last acknowledgement arrives, starts it again on
 * the same storage and checks every acknowledged write: the same for every store.
 */
final class DurabilityScenario {

    private static final ObjectMapper JSON = new ObjectMapper();

    interface ServerFactory {
        EddyProcess create() throws Exception;
    }

    interface Step {
        void run() throws Exception;
    }

    private DurabilityScenario() {
    }

    static void run(ServerFactory servers) throws Exception {
        run(servers, () -> { });
    }

    /** {@code betweenRuns} happens after the kill and before the restart, e.g. crashing the storage server too. */
    static void run(ServerFactory servers, Step betweenRuns) throws Exception {
        int records = 200;
        List<String> names = new ArrayList<>();
        try (EddyProcess first = servers.create().start();
             RawClient c = RawClient.login(first.uri(), "writer")) {
            for (int i = 0; i < records; i++) {
                String name = "durable/" + i;
                names.add(name);
                c.send(Message.of(RecordAction.CREATEANDUPDATE).name(name).version(-1)
                        .data("{\"i\":" + i + ",\"v\":1}").correlationId("a" + i).isWriteAck(true));
                c.send(Message.of(RecordAction.CREATEANDPATCH).name(name).version(-1).path("v").data("2")
                        .correlationId("b" + i).isWriteAck(true));
            }
            // one hot record: many acknowledged versions in a row
            for (int v = 1; v <= 100; v++) {
                c.send(Message.of(RecordAction.CREATEANDUPDATE).name("durable/hot").version(-1)
                        .data("{\"v\":" + v + "}").correlationId("h" + v).isWriteAck(true));
            }
            for (int i = 0; i < 2 * records + 100; i++) {
                c.expect(RecordAction.WRITE_ACKNOWLEDGEMENT);
            }
            first.kill();
        }
        betweenRuns.run();
        try (EddyProcess second = servers.create().start();
             RawClient c = RawClient.login(second.uri(), "reader")) {
            for (int i = 0; i < records; i++) {
                c.send(Message.of(RecordAction.READ).name(names.get(i)));
                assertRead(names.get(i), 2, "{\"i\":" + i + ",\"v\":2}", c.next());
            }
            c.send(Message.of(RecordAction.READ).name("durable/hot"));
            assertRead("durable/hot", 100, "{\"v\":100}", c.next());
        }
    }

    /** Data compares as JSON: PostgreSQL's jsonb column returns the same value in its own formatting. */
    private static void assertRead(String name, int version, String data, Message read) throws Exception {
        Message withoutData = read.copy().data(null);
        assertEquals(Message.of(RecordAction.READ_RESPONSE).name(name).version(version), withoutData);
        assertEquals(JSON.readTree(data), JSON.readTree(read.data()), name);
    }
}
