package io.eddy.server.durability;

import io.eddy.server.testing.EddyProcess;
import io.eddy.server.testing.RedisServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Redis store: the server is SIGKILLed right after the acknowledgements and started again against the same Redis,
 * which the test runs itself (appendonly, appendfsync always) on a free port.
 */
class RedisDurabilityIT {

    @TempDir
    Path dir;

    @Test
    void acknowledgedWritesSurviveSigkill() throws Exception {
        Path redisDir = Files.createDirectories(dir.resolve("redis"));
        Path serverDir = Files.createDirectories(dir.resolve("server"));
        try (RedisServerProcess redis = RedisServerProcess.start(redisDir)) {
            Map<String, String> props = redis.eddyStoreProperties();
            DurabilityScenario.run(() -> new EddyProcess(serverDir, props));
        }
    }

    @Test
    void acknowledgedWritesSurviveARedisCrashToo() throws Exception {
        Path redisDir = Files.createDirectories(dir.resolve("redis"));
        Path serverDir = Files.createDirectories(dir.resolve("server"));
        try (RedisServerProcess redis = RedisServerProcess.start(redisDir)) {
            Map<String, String> props = redis.eddyStoreProperties();
            // the server is killed, and Redis as well before the server starts again
            DurabilityScenario.run(() -> new EddyProcess(serverDir, props), () -> {
                redis.kill();
                redis.start();
            });
        }
    }
}
