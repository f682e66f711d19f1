package io.eddy.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Writes the fan-out results as a markdown table and a log-scale PNG chart, with the machine they ran on. */
final class Report {

    private Report() {
    }

    static void write(Path dir, List<FanOutBenchmark.Result> results, List<FanOutBenchmark.Row> rows,
                      List<Target> targets, long capNanos, int reps, int warmup, int serverWarmup, int payload,
                      int threads)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Map<FanOutBenchmark.Row, Map<Target, FanOutBenchmark.Result>> table = FanOutBenchmark.byRow(results);
        StringBuilder md = new StringBuilder();
        md.append("# Fan-out benchmark\n\n");
        md.append("Run ").append(ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME)).append(" on ")
                .append(Machine.describe()).append(".\n\n");
        md.append("S subscribers and P publishers on one event; all connected, logged in and subscribed before the ")
                .append("clock starts; each publisher sends one ").append(payload).append("-byte message; the clock ")
                .append("stops when every subscriber has all P messages. Each server first serves ").append(serverWarmup)
                .append(" bursts of 100 × 10 (the same for every server), then each row gets ").append(warmup)
                .append(" warm-up and ")
                .append(reps).append(" measured repetitions per row; cap ")
                .append(TimeUnit.NANOSECONDS.toSeconds(capNanos)).append(" s per repetition. The load generator ")
                .append("(bench module, ").append(threads).append(" event-loop threads) runs on the same machine.\n\n");

        md.append("## Median time to deliver everything (ms)\n\n| S × P | deliveries |");
        targets.forEach(t -> md.append(' ').append(t.label).append(" |"));
        md.append("\n|---|---:|");
        targets.forEach(t -> md.append("---:|"));
        md.append('\n');
        for (FanOutBenchmark.Row row : rows) {
            md.append("| ").append(row).append(" | ").append(String.format("%,d", row.deliveries())).append(" |");
            for (Target t : targets) {
                FanOutBenchmark.Result r = table.getOrDefault(row, Map.of()).get(t);
                md.append(' ').append(r == null ? "–" : r.capped() ? "> " + TimeUnit.NANOSECONDS.toSeconds(capNanos) + " s"
                        : String.format("%.1f", r.medianMs())).append(" |");
            }
            md.append('\n');
        }
        md.append("\n![fan-out latency](fanout.png)\n\n## Details\n\n| target | S × P | mean | median | min | max | "
                + "deliveries/s (median) |\n|---|---|---:|---:|---:|---:|---:|\n");
        for (FanOutBenchmark.Result r : results) {
            if (r.capped()) {
                md.append("| ").append(r.target().label).append(" | ").append(r.row()).append(" | > cap | | | | ")
                        .append(r.note()).append(" |\n");
            } else {
                md.append(String.format("| %s | %s | %.1f | %.1f | %.1f | %.1f | %,.0f |%n", r.target().label, r.row(),
                        r.meanMs(), r.medianMs(), r.minMs(), r.maxMs(), r.row().deliveries() / (r.medianMs() / 1000)));
            }
        }
        Files.writeString(dir.resolve("fanout.md"), md.toString());
        chart(dir.resolve("fanout.png"), table, rows, targets);
    }

    private static void chart(Path file, Map<FanOutBenchmark.Row, Map<Target, FanOutBenchmark.Result>> table,
                              List<FanOutBenchmark.Row> rows, List<Target> targets) throws IOException {
        Double[][] medians = new Double[rows.size()][targets.size()];
        for (int r = 0; r < rows.size(); r++) {
            for (int t = 0; t < targets.size(); t++) {
                FanOutBenchmark.Result result = table.getOrDefault(rows.get(r), Map.of()).get(targets.get(t));
                medians[r][t] = result == null || result.capped() ? null : result.medianMs();
            }
        }
        FanOutChart.write(file, Machine.cores(), rows.stream().map(Object::toString).toList(),
                targets.stream().map(t -> t.label).toList(), medians);
    }
}
