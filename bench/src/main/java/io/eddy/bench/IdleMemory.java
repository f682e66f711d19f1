package io.eddy.bench;

import io.netty.channel.EventLoopGroup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Server memory per idle connection: the server's resident set size before and after N logged-in, idle connections
 * (each subscribed to one event), divided by N. {@code java -cp … io.eddy.bench.IdleMemory --targets eddy,deepstream}
 */
public final class IdleMemory {

    public static void main(String[] args) throws Exception {
        Map<String, String> o = Options.parse(args);
        int connections = Integer.parseInt(o.getOrDefault("connections", "10000"));
        Path root = Path.of(o.getOrDefault("root", ".")).toAbsolutePath().normalize();
        Path work = Files.createTempDirectory("eddy-bench-memory-");
        StringBuilder report = new StringBuilder("| server | RSS before | RSS with " + connections
                + " idle connections | per connection |\n|---|---:|---:|---:|\n");
        EventLoopGroup group = Transport.group(2);
        try {
            for (String name : o.getOrDefault("targets", "eddy,deepstream").split(",")) {
                Target target = Target.parse(name);
                Target.Running running = target.start(root, work, 32);
                try {
                    // a few connections first, so start-up allocations are not counted as per-connection cost
                    List<BenchSocket> warm = FanOutBenchmark.open(100, i -> running.peer().subscriber(group, i));
                    warm.forEach(BenchSocket::close);
                    Thread.sleep(3000);
                    long before = running.process().rssKib();
                    List<BenchSocket> sockets = new ArrayList<>(FanOutBenchmark.open(connections,
                            i -> running.peer().subscriber(group, i)));
                    Thread.sleep(5000);
                    long after = running.process().rssKib();
                    double per = (after - before) * 1024.0 / connections;
                    System.out.printf("%s: RSS %d KiB -> %d KiB with %d idle connections: %.1f KiB per connection%n",
                            target.label, before, after, connections, per / 1024);
                    report.append(String.format("| %s | %.1f MiB | %.1f MiB | %.1f KiB |%n", target.label,
                            before / 1024.0, after / 1024.0, per / 1024));
                    sockets.forEach(BenchSocket::close);
                } finally {
                    running.process().close();
                }
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        }
        if (o.containsKey("out")) {
            Path out = root.resolve(o.get("out"));
            Files.createDirectories(out.getParent());
            Files.writeString(out, "# Memory per idle connection\n\nRun on " + Machine.describe() + ".\n\n" + report);
        }
    }
}
