package io.eddy.client;

import io.eddy.protocol.EventAction;
import io.eddy.protocol.Message;
import io.eddy.protocol.Topic;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

class OfflineBufferTest {

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final List<String> dropped = new ArrayList<>();

    @Test
    void whenFullTheOldestEmitIsDropped() {
        OfflineBuffer buffer = buffer(TimeUnit.SECONDS.toNanos(10), 2);

        buffer.add(emit("a"));
        buffer.add(emit("b"));
        buffer.add(emit("c"));

        assertEquals(List.of("a"), dropped);
        assertEquals(List.of("b", "c"), drain(buffer));
    }

    @Test
    void emitsOlderThanTheTimeoutAreDropped() throws InterruptedException {
        OfflineBuffer buffer = buffer(TimeUnit.MILLISECONDS.toNanos(50), 10);

        buffer.add(emit("old"));
        Thread.sleep(80);
        buffer.add(emit("new"));
        channel.runScheduledPendingTasks();

        assertEquals(List.of("old"), dropped);
        assertEquals(List.of("new"), drain(buffer));
    }

    @Test
    void discardReportsOnlyWhenAsked() {
        OfflineBuffer buffer = buffer(TimeUnit.SECONDS.toNanos(10), 10);
        buffer.add(emit("quiet"));
        buffer.discard(false);
        buffer.add(emit("reported"));
        buffer.discard(true);

        assertEquals(List.of("reported"), dropped);
        assertEquals(List.of(), drain(buffer));
    }

    @Test
    void aZeroTimeoutBuffersNothing() {
        OfflineBuffer buffer = buffer(0, 10);

        buffer.add(emit("x"));

        assertEquals(List.of("x"), dropped);
    }

    private OfflineBuffer buffer(long timeoutNanos, int capacity) {
        return new OfflineBuffer(channel.eventLoop(), timeoutNanos, capacity, m -> dropped.add(m.name()));
    }

    private static List<String> drain(OfflineBuffer buffer) {
        List<String> names = new ArrayList<>();
        buffer.drainTo(m -> names.add(m.name()));
        return names;
    }

    private static Message emit(String name) {
        return new Message(Topic.EVENT, EventAction.EMIT.code()).name(name);
    }
}
