package io.eddy.bench;

import io.netty.channel.EventLoopGroup;

import java.util.concurrent.CompletableFuture;

/**
 * How the load generator talks to one kind of server: connect and log in, subscribe to the benchmark's channel,
 * and the one frame each publisher sends.
 */
interface Peer {

    /** Connected, logged in and subscribed, with the subscription acknowledged. */
    CompletableFuture<BenchSocket> subscriber(EventLoopGroup group, int index);

    /** Connected and logged in, ready to publish. */
    CompletableFuture<BenchSocket> publisher(EventLoopGroup group, int index);

    /** The frame every publisher sends; encoded once and written as it is. */
    byte[] publication();

    /** Whether binary frames from the server may pack several messages. */
    default boolean packed() {
        return false;
    }
}
