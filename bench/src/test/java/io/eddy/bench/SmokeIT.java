package io.eddy.bench;

import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The smallest rows against the packaged Eddy (both framings) and the bare forwarder, then the report: proves the
 * generator, the server start-up and the chart still work without spending CI minutes on real measurements.
 */
class SmokeIT {

    private static final Path ROOT = Path.of(System.getProperty("eddy.root", "..")).toAbsolutePath().normalize();
    private static final List<FanOutBenchmark.Row> ROWS = List.of(new FanOutBenchmark.Row(10, 1),
            new FanOutBenchmark.Row(10, 5));
    private static final long CAP = TimeUnit.SECONDS.toNanos(20);

    private static EventLoopGroup group;

    @BeforeAll
    static void group() {
        assertTrue(Files.exists(ROOT.resolve("server/target/quarkus-app/quarkus-run.jar")),
                "the packaged server is missing under " + ROOT + "; build the server module first");
        group = Transport.group(2);
    }

    @AfterAll
    static void shutdown() throws InterruptedException {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
    }

    @Test
    void smallRowsCompleteAndTheReportIsWritten() throws Exception {
        Path work = Files.createTempDirectory("eddy-bench-smoke-");
        List<Target> targets = List.of(Target.EDDY, Target.EDDY_MULTI, Target.BARE);
        List<FanOutBenchmark.Result> results = new ArrayList<>();
        for (Target target : targets) {
            Target.Running running = target.start(ROOT, work, 32);
            try {
                for (FanOutBenchmark.Row row : ROWS) {
                    FanOutBenchmark.Result r = FanOutBenchmark.measure(group, running.peer(), target, row, 1, 3, CAP);
                    assertFalse(r.capped(), target + " " + row + ": " + r.note());
                    assertEquals(3, r.nanos().length);
                    results.add(r);
                }
            } finally {
                running.process().close();
            }
        }
        Path out = Path.of("target/bench-smoke");
        Report.write(out, results, ROWS, targets, CAP, 3, 1, 0, 32, 2);
        String table = Files.readString(out.resolve("fanout.md"));
        assertTrue(table.contains("10 × 5"), table);
        assertTrue(Files.size(out.resolve("fanout.png")) > 1000, "chart too small to hold a chart");
    }
}
