package io.eddy.bench;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The seed's pub-sub benchmark: S subscribers and P publishers on one event; every connection is logged in and every
 * subscription acknowledged before the clock starts; each publisher sends one message; the clock stops when every
 * subscriber has received every publisher's message. Warm-up repetitions first, then the measured ones.
 * <pre>
 * java -cp … io.eddy.bench.FanOutBenchmark --targets eddy,deepstream,socketio,bare --out docs/benchmarks
 * </pre>
 */
public final class FanOutBenchmark {

    record Row(int subscribers, int publishers) {
        static Row parse(String text) {
            String[] parts = text.split("x");
            return new Row(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
        }

        long deliveries() {
            return (long) subscribers * publishers;
        }

        @Override
        public String toString() {
            return subscribers + " × " + publishers;
        }
    }

    /** Measured repetitions in nanoseconds, or none when the row hit the cap. */
    record Result(Target target, Row row, long[] nanos, String note) {
        boolean capped() {
            return nanos.length == 0;
        }

        double medianMs() {
            long[] sorted = nanos.clone();
            Arrays.sort(sorted);
            int n = sorted.length;
            return (n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0) / 1e6;
        }

        double meanMs() {
            return Arrays.stream(nanos).average().orElse(0) / 1e6;
        }

        double minMs() {
            return Arrays.stream(nanos).min().orElse(0) / 1e6;
        }

        double maxMs() {
            return Arrays.stream(nanos).max().orElse(0) / 1e6;
        }
    }

    private static final Row WARM_UP = new Row(100, 10);
    static final String DEFAULT_ROWS = "10x1,10x5,100x10,100x50,1000x100,1000x500,10000x1000,10000x5000";

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        List<Target> targets = o.targets("eddy,eddy-multi,deepstream,socketio,bare");
        List<Row> rows = new ArrayList<>();
        for (String r : o.get("rows", DEFAULT_ROWS).split(",")) {
            rows.add(Row.parse(r));
        }
        int reps = o.integer("reps", 10);
        int warmup = o.integer("warmup", 2);
        // every server, JVM or Node, first serves the same burst of small publications so the rows measure
        // compiled code rather than the first minutes of a process
        int serverWarmup = o.integer("server-warmup", 300);
        long capNanos = TimeUnit.SECONDS.toNanos(o.integer("cap", 60));
        int payload = o.integer("payload", 32);
        int threads = o.integer("threads", 2);
        Path root = o.root();
        Path out = root.resolve(o.get("out", "docs/benchmarks"));
        Path work = Files.createTempDirectory("eddy-bench-");

        List<Result> results = new ArrayList<>();
        EventLoopGroup group = Transport.group(threads);
        try {
            for (Target target : targets) {
                System.out.println("== " + target.label);
                // --attach URL measures a server that is already running (e.g. under a profiler) instead
                Target.Running running = o.has("attach")
                        ? new Target.Running(null, target.peer(java.net.URI.create(o.get("attach")), payload))
                        : target.start(root, work, payload);
                try {
                    if (serverWarmup > 0) {
                        Result w = measure(group, running.peer(), target, WARM_UP, serverWarmup, 1, capNanos, 5);
                        System.out.println("  warm-up " + WARM_UP + " × " + (serverWarmup + 1)
                                + (w.capped() ? ": > cap (" + w.note() + ")" : ""));
                    }
                    boolean capped = false;
                    for (Row row : rows) {
                        Result r = capped
                                ? new Result(target, row, new long[0], "not run: a smaller row exceeded the cap")
                                : measure(group, running.peer(), target, row, warmup, reps, capNanos);
                        capped = r.capped();
                        results.add(r);
                        System.out.println("  " + row + ": " + (r.capped() ? "> cap (" + r.note() + ")"
                                : String.format("median %.1f ms (mean %.1f, min %.1f, max %.1f)", r.medianMs(),
                                r.meanMs(), r.minMs(), r.maxMs())));
                    }
                } finally {
                    if (running.process() != null) {
                        running.process().close();
                    }
                }
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        }
        if (!o.has("no-report")) {
            Report.write(out, results, rows, targets, capNanos, reps, warmup, serverWarmup, payload, threads);
            System.out.println("report written to " + out);
        }
    }

    static Result measure(EventLoopGroup group, Peer peer, Target target, Row row, int warmup, int reps,
                          long capNanos) throws Exception {
        return measure(group, peer, target, row, warmup, reps, capNanos, 50);
    }

    /** {@code pauseMs}: the rest between repetitions, which lets the previous one's garbage and ACKs settle. */
    static Result measure(EventLoopGroup group, Peer peer, Target target, Row row, int warmup, int reps,
                          long capNanos, int pauseMs) throws Exception {
        // each subscriber counts on its own event loop and reports once, when it has everything: a shared counter
        // bumped per delivery would cost the generator more than the server it measures
        AtomicInteger complete = new AtomicInteger();
        int[] epoch = new int[1];
        CompletableFuture<Long>[] done = new CompletableFuture[1];
        List<BenchSocket> subscribers = open(row.subscribers(), i -> peer.subscriber(group, i));
        List<BenchSocket> publishers = open(row.publishers(), i -> peer.publisher(group, i));
        // per subscriber: the epoch it last counted in and its count, a cache line apart, since neighbouring
        // subscribers count on different threads (sharing a line costs more than the counting)
        int[] slots = new int[row.subscribers() * SLOT];
        List<CompletableFuture<Void>> switched = new ArrayList<>();
        try {
            for (int k = 0; k < subscribers.size(); k++) {
                int base = k * SLOT;
                slots[base] = -1;
                switched.add(subscribers.get(k).counting(messages -> {
                    int current = currentEpoch(epoch);
                    if (slots[base] != current) {
                        slots[base] = current;
                        slots[base + 1] = 0;
                    }
                    int got = slots[base + 1] += messages;
                    if (got == row.publishers()) {
                        if (complete.incrementAndGet() == row.subscribers()) {
                            done[0].complete(System.nanoTime());
                        }
                    }
                }, peer.packed()));
            }
            CompletableFuture.allOf(switched.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            // publishers grouped by event loop: one task per loop writes all of its publishers, then flushes them
            Map<EventLoop, List<BenchSocket>> byLoop = new HashMap<>();
            for (BenchSocket p : publishers) {
                byLoop.computeIfAbsent(p.channel().eventLoop(), l -> new ArrayList<>()).add(p);
            }
            byte[] publication = peer.publication();
            long[] measured = new long[reps];
            for (int rep = 0; rep < warmup + reps; rep++) {
                complete.set(0);
                done[0] = new CompletableFuture<>();
                nextEpoch(epoch);
                long start = System.nanoTime();
                for (Map.Entry<EventLoop, List<BenchSocket>> e : byLoop.entrySet()) {
                    e.getKey().execute(() -> {
                        for (BenchSocket p : e.getValue()) {
                            p.write(publication);
                        }
                        for (BenchSocket p : e.getValue()) {
                            p.flush();
                        }
                    });
                }
                long end;
                try {
                    end = done[0].get(capNanos, TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    java.util.IntSummaryStatistics got = java.util.stream.IntStream.range(0, row.subscribers())
                            .map(k -> slots[k * SLOT + 1]).summaryStatistics();
                    return new Result(target, row, new long[0], complete.get() + " of " + row.subscribers()
                            + " subscribers had everything after " + TimeUnit.NANOSECONDS.toSeconds(capNanos) + " s"
                            + " (messages per subscriber: min " + got.getMin() + ", max " + got.getMax() + ")");
                }
                if (rep >= warmup) {
                    measured[rep - warmup] = end - start;
                }
                Thread.sleep(pauseMs);
            }
            return new Result(target, row, measured, "");
        } finally {
            subscribers.forEach(BenchSocket::close);
            publishers.forEach(BenchSocket::close);
            Thread.sleep(Math.min(3000, 200 + row.subscribers() / 10));
        }
    }

    /** Ints per subscriber slot: 64 bytes, one cache line. */
    private static final int SLOT = 16;

    private static final java.lang.invoke.VarHandle EPOCH = java.lang.invoke.MethodHandles.arrayElementVarHandle(int[].class);

    private static int currentEpoch(int[] epoch) {
        return (int) EPOCH.getVolatile(epoch, 0);
    }

    private static void nextEpoch(int[] epoch) {
        EPOCH.setVolatile(epoch, 0, (int) EPOCH.getVolatile(epoch, 0) + 1);
    }

    interface Opener {
        CompletableFuture<BenchSocket> open(int index);
    }

    /** Opens {@code count} connections, at most 256 being set up at a time. */
    static List<BenchSocket> open(int count, Opener opener) throws Exception {
        Semaphore inFlight = new Semaphore(256);
        List<CompletableFuture<BenchSocket>> all = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            inFlight.acquire();
            CompletableFuture<BenchSocket> f = opener.open(i);
            f.whenComplete((s, t) -> inFlight.release());
            all.add(f);
        }
        List<BenchSocket> sockets = new ArrayList<>(count);
        for (CompletableFuture<BenchSocket> f : all) {
            sockets.add(f.get(120, TimeUnit.SECONDS));
        }
        return sockets;
    }

    static Map<Row, Map<Target, Result>> byRow(List<Result> results) {
        Map<Row, Map<Target, Result>> table = new LinkedHashMap<>();
        for (Result r : results) {
            table.computeIfAbsent(r.row(), k -> new LinkedHashMap<>()).put(r.target(), r);
        }
        return table;
    }
}
