package io.eddy.bench;

import io.netty.channel.EventLoopGroup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Server memory per idle connection. A freshly started server serves 100 connections that come and go (so start-up
 * allocations are not counted), rests, and its resident set size (RSS) is read; then it holds N/2 and then N
 * logged-in connections, each subscribed to one event, reading RSS after the same rest each time. Reported: the
 * average cost of the N connections over the rested start, and the marginal cost of the second half.
 * {@code java -cp … io.eddy.bench.IdleMemory --targets eddy,deepstream --connections 10000}
 */
public final class IdleMemory {

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        int connections = o.integer("connections", 10000);
        // long enough for Eddy's periodic collection (config/jvm.options) to run after each step
        int restSeconds = o.integer("rest-seconds", 20);
        Path root = o.root();
        Path work = Files.createTempDirectory("eddy-bench-memory-");
        int half = connections / 2;
        StringBuilder report = new StringBuilder("| server | RSS at rest | with " + half + " connections | with "
                + connections + " connections | per connection (average of " + connections + ") | per connection "
                + "(marginal, second " + half + ") |\n|---|---:|---:|---:|---:|---:|\n");
        EventLoopGroup group = Transport.group(2);
        try {
            for (Target target : o.targets("eddy,deepstream")) {
                Target.Running running = target.start(root, work, 32);
                List<BenchSocket> sockets = new ArrayList<>();
                try {
                    FanOutBenchmark.open(100, i -> running.peer().subscriber(group, i)).forEach(BenchSocket::close);
                    Thread.sleep(restSeconds * 1000L);
                    long rest = running.process().rssKib();
                    sockets.addAll(FanOutBenchmark.open(half, i -> running.peer().subscriber(group, i)));
                    Thread.sleep(restSeconds * 1000L);
                    long atHalf = running.process().rssKib();
                    sockets.addAll(FanOutBenchmark.open(connections - half,
                            i -> running.peer().subscriber(group, half + i)));
                    Thread.sleep(restSeconds * 1000L);
                    long atFull = running.process().rssKib();
                    double average = (atFull - rest) / (double) connections;
                    double marginal = (atFull - atHalf) / (double) (connections - half);
                    System.out.printf("%s: RSS %d KiB at rest, %d KiB with %d, %d KiB with %d connections: "
                                    + "%.1f KiB per connection (average), %.1f KiB (marginal)%n", target.label, rest,
                            atHalf, half, atFull, connections, average, marginal);
                    report.append(String.format("| %s | %.1f MiB | %.1f MiB | %.1f MiB | %.1f KiB | %.1f KiB |%n",
                            target.label, rest / 1024.0, atHalf / 1024.0, atFull / 1024.0, average, marginal));
                } finally {
                    sockets.forEach(BenchSocket::close);
                    running.process().close();
                }
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        }
        o.writeOut("# Memory per idle connection\n\nEach server is started fresh and serves 100 connections that "
                + "come and go; then it holds " + half + " and then " + connections + " logged-in connections, each "
                + "subscribed to one event, idle. The server process's resident set size (RSS) is read after "
                + restSeconds + " s of rest at each step. Eddy runs with the JVM options of config/jvm.options, as "
                + "bin/eddy starts it. Run on " + Machine.describe() + ".\n\n" + report);
    }
}
