package io.eddy.client;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

/** Bounded waits for tests: every wait has a deadline, so no test can hang. */
final class Await {

    /**
     * Longer than the test server's listen rematch interval (5 s): on a loaded CI machine a listener's accept can miss
     * the 500 ms response timeout, and the rematch that follows must still be waited for.
     */
    static final Duration TIMEOUT = Duration.ofSeconds(12);

    private Await() {
    }

    static void until(BooleanSupplier condition, Duration timeout, Supplier<String> what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("waited " + timeout + " for " + what.get());
            }
            pause();
        }
    }

    static <T> T result(CompletableFuture<T> future) {
        try {
            return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("future failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("future not completed within " + TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The exception a future failed with; fails the test if it completed normally or not in time. */
    static EddyClientException failure(CompletableFuture<?> future) {
        try {
            Object value = future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return fail("future completed with " + value + " instead of failing");
        } catch (ExecutionException e) {
            return assertInstanceOf(EddyClientException.class, e.getCause());
        } catch (TimeoutException e) {
            return fail("future not completed within " + TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static <T> T next(BlockingQueue<T> queue) {
        try {
            T value = queue.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (value == null) {
                fail("nothing arrived within " + TIMEOUT);
            }
            return value;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Asserts that nothing arrives for {@code quiet}: used after something that must not be delivered. */
    static <T> void nothing(BlockingQueue<T> queue, Duration quiet) {
        try {
            T value = queue.poll(quiet.toMillis(), TimeUnit.MILLISECONDS);
            if (value != null) {
                fail("unexpected " + value);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static void pause() {
        sleep(Duration.ofMillis(5));
    }
}
