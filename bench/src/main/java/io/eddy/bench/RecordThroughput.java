package io.eddy.bench;

import io.eddy.protocol.Message;
import io.eddy.protocol.RecordAction;
import io.eddy.protocol.codec.MessageCodec;
import io.netty.channel.EventLoopGroup;

import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * Record write throughput against a running server:
 * <ul>
 *   <li>hot: one record with S subscribers; a writer keeps W acknowledged writes in flight until N are acknowledged
 *       and every subscriber has received all N updates;</li>
 *   <li>distinct: acknowledged writes to D different records, W in flight.</li>
 * </ul>
 * Every write asks for a write acknowledgement, so a write counts only once it is in the server's storage.
 * {@code java -cp … io.eddy.bench.RecordThroughput [--url ws://127.0.0.1:6020/deepstream]} (without a URL it starts Eddy)
 */
public final class RecordThroughput {

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        int subscribers = o.integer("subscribers", 100);
        int writes = o.integer("writes", 20000);
        int distinct = o.integer("distinct", 10000);
        int window = o.integer("window", 256);
        StringBuilder report = new StringBuilder();
        EventLoopGroup group = Transport.group(o.integer("threads", 1));
        try {
            if (o.has("url")) {
                measure(group, new DeepstreamPeer(URI.create(o.get("url")), false, 32), subscribers, writes,
                        distinct, window, report);
            } else {
                for (Target target : o.targets("eddy")) {
                    Target.Running server = target.start(o.root(), Files.createTempDirectory("eddy-bench-records-"), 32);
                    try {
                        report.append("**").append(target.label).append("**\n\n");
                        measure(group, (DeepstreamPeer) server.peer(), subscribers, writes, distinct, window, report);
                    } finally {
                        server.process().close();
                    }
                }
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        o.writeOut("# Record write throughput\n\nOne writer sends CREATEANDUPDATE with a write acknowledgement, "
                + "keeping " + window + " writes in flight; a write counts once acknowledged. Eddy acknowledges once the "
                + "write is durable in its default embedded store (SQLite, fsync per group commit); deepstream 7.0.2 "
                + "without a storage plugin acknowledges from its in-memory cache. Run on " + Machine.describe()
                + ".\n\n" + report);
    }

    private static void measure(EventLoopGroup group, DeepstreamPeer peer, int subscribers, int writes, int distinct,
                                int window, StringBuilder report) throws Exception {
        String run = Long.toString(System.currentTimeMillis(), 36);
        // the first pass warms the JIT up; the second is reported
        hot(group, peer, "bench/warm/" + run, Math.min(subscribers, 100), writes / 4, window);
        report.append("- ").append(hot(group, peer, "bench/hot/" + run, subscribers, writes, window)).append('\n');
        report.append("- ").append(distinct(group, peer, "bench/distinct/" + run, distinct, window)).append("\n\n");
    }

    private static String hot(EventLoopGroup group, DeepstreamPeer peer, String name, int subscribers, int writes,
                              int window) throws Exception {
        List<BenchSocket> subs = new ArrayList<>();
        AtomicLong delivered = new AtomicLong();
        for (int i = 0; i < subscribers; i++) {
            CompletableFuture<Message> ready = new CompletableFuture<>();
            BenchSocket s = peer.loggedIn(group, "sub" + i, m -> {
                if (m.is(RecordAction.READ_RESPONSE)) {
                    ready.complete(m);
                }
            }).get(30, TimeUnit.SECONDS);
            s.send(BenchSocket.frame(false, MessageCodec.encode(Message.of(RecordAction.SUBSCRIBECREATEANDREAD)
                    .names(List.of(name)).correlationId("0"))));
            ready.get(30, TimeUnit.SECONDS);
            s.counting(delivered::addAndGet, peer.packed()).get(30, TimeUnit.SECONDS);
            subs.add(s);
        }
        BenchSocket writer = peer.loggedIn(group, "writer", m -> { }).get(30, TimeUnit.SECONDS);
        long start = System.nanoTime();
        long elapsed = pipelined(writer, peer.packed(), writes, window, i -> name);
        long expected = (long) writes * subscribers;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (delivered.get() < expected && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        long total = System.nanoTime() - start;
        String line = String.format("hot record, %d subscribers: %d acknowledged writes in %.0f ms = %.0f writes/s; "
                        + "%d of %d updates delivered (%.0f deliveries/s)",
                subscribers, writes, elapsed / 1e6, writes / (elapsed / 1e9), delivered.get(), expected,
                delivered.get() / (total / 1e9));
        System.out.println(line);
        writer.close();
        subs.forEach(BenchSocket::close);
        return line;
    }

    private static String distinct(EventLoopGroup group, DeepstreamPeer peer, String prefix, int records, int window)
            throws Exception {
        BenchSocket writer = peer.loggedIn(group, "writer", m -> { }).get(30, TimeUnit.SECONDS);
        long elapsed = pipelined(writer, peer.packed(), records, window, i -> prefix + "/" + i);
        String line = String.format("distinct records: %d acknowledged writes to %d records in %.0f ms = %.0f writes/s",
                records, records, elapsed / 1e6, records / (elapsed / 1e9));
        System.out.println(line);
        writer.close();
        return line;
    }

    /** Sends {@code count} acknowledged writes keeping {@code window} in flight; returns nanoseconds to the last ack. */
    private static long pipelined(BenchSocket writer, boolean packed, int count, int window, IntFunction<String> names)
            throws Exception {
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger acked = new AtomicInteger();
        CompletableFuture<Long> done = new CompletableFuture<>();
        long start = System.nanoTime();
        // every message the writer receives is an acknowledgement; each one lets another write go
        writer.counting(messages -> {
            if (acked.addAndGet(messages) >= count) {
                done.complete(System.nanoTime() - start);
                return;
            }
            for (int k = 0; k < messages && sent.get() < count; k++) {
                write(writer, sent.getAndIncrement(), names);
            }
            writer.flush();
        }, packed);
        writer.channel().eventLoop().execute(() -> {
            for (int i = 0; i < Math.min(window, count); i++) {
                write(writer, sent.getAndIncrement(), names);
            }
            writer.flush();
        });
        return done.get(300, TimeUnit.SECONDS);
    }

    private static void write(BenchSocket writer, int i, IntFunction<String> names) {
        writer.write(BenchSocket.frame(false, MessageCodec.encode(Message.of(RecordAction.CREATEANDUPDATE)
                .name(names.apply(i)).version(-1).data("{\"n\":" + i + ",\"text\":\"some payload of moderate size\"}")
                .correlationId(Integer.toString(i)).isWriteAck(true))));
    }
}
