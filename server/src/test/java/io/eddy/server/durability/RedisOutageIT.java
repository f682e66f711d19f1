package io.eddy.server.durability;

import io.eddy.protocol.Message;
import io.eddy.protocol.RecordAction;
import io.eddy.server.testing.EddyProcess;
import io.eddy.server.testing.RawClient;
import io.eddy.server.testing.RedisServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Redis goes away while records are written: the writes wait in memory and are stored once it is back, and the
 * operator reads one line when the outage begins and one when it ends, not one per record and retry.
 */
class RedisOutageIT {

    private static final int RECORDS = 20;

    @TempDir
    Path dir;

    @Test
    void writesDuringAnOutageAreStoredAfterItAndItIsLoggedOnce() throws Exception {
        Path redisDir = Files.createDirectories(dir.resolve("redis"));
        Path serverDir = Files.createDirectories(dir.resolve("server"));
        try (RedisServerProcess redis = RedisServerProcess.start(redisDir)) {
            Map<String, String> props = redis.eddyStoreProperties();
            try (EddyProcess server = new EddyProcess(serverDir, props).start();
                 RawClient c = RawClient.login(server.uri(), "writer")) {
                write(c, 1, "before");
                for (int i = 0; i < RECORDS; i++) {
                    c.expect(RecordAction.WRITE_ACKNOWLEDGEMENT);
                }

                redis.kill();
                write(c, 2, "during");
                for (int i = 0; i < RECORDS; i++) {
                    // not stored yet, and the acknowledgements say so as soon as Redis refuses the connection
                    Message failed = c.next(Duration.ofSeconds(15));
                    assertEquals(RecordAction.RECORD_UPDATE_ERROR.code(), failed.action(), failed.toString());
                }
                Thread.sleep(3000); // three rounds of retries of 20 records
                redis.start();

                awaitLine(server, "works again, after", 20);
                for (int i = 0; i < RECORDS; i++) {
                    awaitStored(redis, "outage/" + i, "2");
                }
                String log = server.log();
                assertEquals(1, count(log, "WARN .*StorageOutageLog.* is failing"), log);
                assertEquals(1, count(log, "INFO .*StorageOutageLog.* works again"), log);
                assertEquals(0, count(log, "WARN .*(storing|deleting|loading) record '[^']*' (from storage )?failed"),
                        "no line per record and retry:\n" + log);
            }
        }
    }

    /** The retries store the record within a few seconds of Redis coming back. */
    private static void awaitStored(RedisServerProcess redis, String name, String version) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        String stored;
        while (!version.equals(stored = redis.hget("eddy:record:" + name, "v"))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + " is at version " + stored + " in Redis, expected " + version);
            }
            Thread.sleep(50);
        }
        assertTrue(redis.hget("eddy:record:" + name, "d").contains("during"), name);
    }

    private static void write(RawClient c, int version, String phase) {
        for (int i = 0; i < RECORDS; i++) {
            c.send(Message.of(RecordAction.CREATEANDUPDATE).name("outage/" + i).version(version)
                    .data("{\"phase\":\"" + phase + "\"}").correlationId(phase + i).isWriteAck(true));
        }
    }

    private static void awaitLine(EddyProcess server, String text, int seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!server.log().contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no '" + text + "' in the server log within " + seconds + " s:\n" + server.log());
            }
            Thread.sleep(100);
        }
    }

    private static int count(String log, String regex) {
        Matcher m = Pattern.compile(regex).matcher(log);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
