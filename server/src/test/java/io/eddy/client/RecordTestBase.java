package io.eddy.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Duration;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Helpers for record tests. Records live in the test server's SQLite file, which outlives test runs, so every test
 * uses names of its own.
 */
abstract class RecordTestBase extends ClientTestBase {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration QUIET = Duration.ofMillis(300);

    /** A record name no other test or run uses. */
    static String unique(String prefix) {
        return prefix + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** A builder whose records unsubscribe soon after their last discard, so tests need not wait 5 s. */
    EddyClient.Builder recordBuilder(ClientRecorder recorder) {
        return builder(recorder).recordDiscardTimeout(Duration.ofMillis(50));
    }

    EddyClient client(String username) {
        return loggedIn(recordBuilder(new ClientRecorder()), username);
    }

    static Record ready(Record record) {
        return Await.result(record.whenReady());
    }

    /** Waits until {@code actual} yields {@code expected}, then asserts it once more for a readable failure. */
    static <T> void eventually(T expected, Supplier<T> actual) {
        Await.until(() -> expected.equals(actual.get()), Await.TIMEOUT,
                () -> "expected " + expected + " but was " + actual.get());
    }
}
