package io.eddy.client;

import io.eddy.protocol.Message;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Emits made while the client is not logged in, kept for a short while so a brief connection loss loses nothing
 * (the JavaScript client's offlineBufferTimeout). Bounded twice: an emit older than the timeout, or the oldest one
 * when the buffer is full, is dropped and reported. Confined to the client's event loop.
 */
final class OfflineBuffer {

    private record Entry(Message message, long deadlineNanos) {
    }

    private final EventLoop loop;
    private final long timeoutNanos;
    private final int capacity;
    private final Consumer<Message> onDropped;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private ScheduledFuture<?> expiry;

    OfflineBuffer(EventLoop loop, long timeoutNanos, int capacity, Consumer<Message> onDropped) {
        this.loop = loop;
        this.timeoutNanos = timeoutNanos;
        this.capacity = capacity;
        this.onDropped = onDropped;
    }

    void add(Message message) {
        if (capacity == 0 || timeoutNanos == 0) {
            onDropped.accept(message);
            return;
        }
        if (entries.size() == capacity) {
            onDropped.accept(entries.pollFirst().message());
        }
        entries.addLast(new Entry(message, System.nanoTime() + timeoutNanos));
        if (expiry == null) {
            scheduleExpiry();
        }
    }

    /** Hands every buffered emit, oldest first, to {@code sender} and empties the buffer. */
    void drainTo(Consumer<Message> sender) {
        cancelExpiry();
        Entry entry;
        while ((entry = entries.pollFirst()) != null) {
            sender.accept(entry.message());
        }
    }

    /** Empties the buffer; reports each emit when {@code report} is set. */
    void discard(boolean report) {
        cancelExpiry();
        Entry entry;
        while ((entry = entries.pollFirst()) != null) {
            if (report) {
                onDropped.accept(entry.message());
            }
        }
    }

    private void expire() {
        expiry = null;
        long now = System.nanoTime();
        while (!entries.isEmpty() && entries.peekFirst().deadlineNanos() - now <= 0) {
            onDropped.accept(entries.pollFirst().message());
        }
        if (!entries.isEmpty()) {
            scheduleExpiry();
        }
    }

    private void scheduleExpiry() {
        long delay = Math.max(0, entries.peekFirst().deadlineNanos() - System.nanoTime());
        expiry = loop.schedule(this::expire, delay, TimeUnit.NANOSECONDS);
    }

    private void cancelExpiry() {
        if (expiry != null) {
            expiry.cancel(false);
            expiry = null;
        }
    }
}
