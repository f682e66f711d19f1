package io.eddy.server.durability;

import io.eddy.protocol.Message;
import io.eddy.protocol.RecordAction;
import io.eddy.server.testing.EddyProcess;
import io.eddy.server.testing.RawClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The embedded default: acknowledged writes survive SIGKILL right after the acknowledgement. */
class EmbeddedDurabilityIT {

    @TempDir
    Path workDir;

    @Test
    void acknowledgedWritesSurviveSigkill() throws Exception {
        DurabilityScenario.run(() -> new EddyProcess(workDir, Map.of()));
    }

    @Test
    void recordsOutliveACleanRestartToo() throws Exception {
        try (EddyProcess first = new EddyProcess(workDir, Map.of()).start()) {
            try (RawClient c = RawClient.login(first.uri(), "writer")) {
                c.send(Message.of(RecordAction.CREATEANDUPDATE).name("clean/1").version(-1).data("{\"a\":1}"));
                c.send(Message.of(RecordAction.HEAD).name("clean/1"));
                assertEquals(1, c.expect(RecordAction.HEAD_RESPONSE).version());
            }
        } // SIGTERM: the node flushes what is not stored yet
        try (EddyProcess second = new EddyProcess(workDir, Map.of()).start();
             RawClient c = RawClient.login(second.uri(), "reader")) {
            c.send(Message.of(RecordAction.READ).name("clean/1"));
            assertEquals(Message.of(RecordAction.READ_RESPONSE).name("clean/1").version(1).data("{\"a\":1}"), c.next());
        }
    }
}
