package io.eddy.server.storage;

import java.util.concurrent.CompletionStage;

/**
 * Durable storage of records. Every method is asynchronous and may complete on any thread; none blocks its caller.
 * <p>
 * Writes are conditional on the stored version, so that two writers (two nodes, or a node and an operator) can
 * never both store the same version: {@link #store} fails with {@link VersionConflictException} when the stored
 * version is not the expected one. A completed {@code store} or {@code delete} is durable: it survives the process
 * being killed right afterwards.
 */
public interface RecordStore extends AutoCloseable {

    /** A short name for logs and health checks, e.g. "embedded (data/records.db)". */
    String description();

    /** The stored record, or null when there is none. */
    CompletionStage<StoredRecord> load(String name);

    /**
     * Stores {@code json} as {@code version} of the record if its stored version is {@code expectedVersion}
     * ({@link StoredRecord#NO_VERSION} = the record must not exist yet).
     */
    CompletionStage<Void> store(String name, int expectedVersion, int version, String json);

    /** Removes the record; removing a record that does not exist succeeds. */
    CompletionStage<Void> delete(String name);

    @Override
    void close();
}
