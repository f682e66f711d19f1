package io.eddy.bench;

import io.eddy.protocol.Message;
import io.eddy.protocol.RpcAction;
import io.eddy.protocol.codec.MessageCodec;
import io.netty.channel.EventLoopGroup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * RPC round trip at a steady rate: one requestor sends REQUESTs at R per second for D seconds to one provider that
 * answers each with a RESPONSE; the time from sending a request to receiving its response is recorded.
 * {@code java -cp … io.eddy.bench.RpcLatency --targets eddy,deepstream --rate 1000 --seconds 20}
 */
public final class RpcLatency {

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        int rate = o.integer("rate", 1000);
        int seconds = o.integer("seconds", 20);
        // calls of the first seconds are not counted: both servers (and the generator) warm up on them
        int warmupSeconds = o.integer("warmup-seconds", 5);
        Path root = o.root();
        Path work = Files.createTempDirectory("eddy-bench-rpc-");
        StringBuilder report = new StringBuilder("| server | calls | p50 | p99 | p99.9 | max |\n|---|---:|---:|---:|---:|---:|\n");
        EventLoopGroup group = Transport.group(2);
        try {
            for (Target target : o.targets("eddy,deepstream")) {
                Target.Running running = target.start(root, work, 32);
                try {
                    long[] nanos = measure(group, running, rate, seconds, warmupSeconds);
                    Arrays.sort(nanos);
                    String line = String.format("| %s | %d | %.2f ms | %.2f ms | %.2f ms | %.2f ms |%n", target.label,
                            nanos.length, at(nanos, 0.5), at(nanos, 0.99), at(nanos, 0.999), nanos[nanos.length - 1] / 1e6);
                    System.out.print(line);
                    report.append(line);
                } finally {
                    running.process().close();
                }
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        }
        o.writeOut("# RPC round trip\n\n" + rate + " requests per second for " + seconds + " s after "
                + warmupSeconds + " s of warm-up at the same rate, one requestor, one provider answering at once, both "
                + "on the generator; run on " + Machine.describe() + ".\n\n" + report);
    }

    private static double at(long[] sorted, double quantile) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)] / 1e6;
    }

    private static long[] measure(EventLoopGroup group, Target.Running running, int rate, int seconds,
                                  int warmupSeconds) throws Exception {
        DeepstreamPeer peer = (DeepstreamPeer) running.peer();
        CompletableFuture<Void> provided = new CompletableFuture<>();
        int total = rate * (seconds + warmupSeconds);
        long[] sentAt = new long[total];
        long[] latency = new long[total];
        AtomicInteger answered = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(1);
        ConcurrentHashMap<String, Integer> ids = new ConcurrentHashMap<>();
        // the provider answers every request at once; the requestor records each response's arrival
        BenchSocket[] providerSocket = new BenchSocket[1];
        BenchSocket provider = peer.loggedIn(group, "provider", m -> {
            if (m.is(RpcAction.PROVIDE) && m.isAck()) {
                provided.complete(null);
            } else if (m.is(RpcAction.REQUEST)) {
                providerSocket[0].send(BenchSocket.frame(false, MessageCodec.encode(Message.of(RpcAction.RESPONSE)
                        .name(m.name()).correlationId(m.correlationId()).data(m.data()))));
            }
        }).get(30, TimeUnit.SECONDS);
        providerSocket[0] = provider;
        provider.send(BenchSocket.frame(false, MessageCodec.encode(Message.of(RpcAction.PROVIDE)
                .names(List.of("echo")).correlationId("0"))));
        provided.get(30, TimeUnit.SECONDS);
        BenchSocket requestor = peer.loggedIn(group, "requestor", m -> {
            if (m.is(RpcAction.RESPONSE)) {
                Integer i = ids.remove(m.correlationId());
                if (i != null) {
                    latency[i] = System.nanoTime() - sentAt[i];
                    if (answered.incrementAndGet() == total) {
                        done.countDown();
                    }
                }
            }
        }).get(30, TimeUnit.SECONDS);
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger next = new AtomicInteger();
        long periodNanos = 1_000_000_000L / rate;
        pacer.scheduleAtFixedRate(() -> {
            int i = next.getAndIncrement();
            if (i >= total) {
                return;
            }
            String id = "c" + i;
            ids.put(id, i);
            byte[] frame = BenchSocket.frame(false, MessageCodec.encode(Message.of(RpcAction.REQUEST).name("echo")
                    .correlationId(id).data("{\"n\":" + i + "}")));
            sentAt[i] = System.nanoTime();
            requestor.send(frame);
        }, 0, periodNanos, TimeUnit.NANOSECONDS);
        boolean finished = done.await(seconds + warmupSeconds + 30L, TimeUnit.SECONDS);
        pacer.shutdownNow();
        provider.close();
        requestor.close();
        if (!finished) {
            throw new IllegalStateException(answered.get() + " of " + total + " calls answered");
        }
        return Arrays.copyOfRange(latency, rate * warmupSeconds, total);
    }
}
