package io.eddy.server.storage;

/** The stored version was not the one a conditional write expected: someone else wrote the record. */
public final class VersionConflictException extends RuntimeException {

    private final int storedVersion;

    public VersionConflictException(String name, int expectedVersion, int storedVersion) {
        super("record '" + name + "' is at version " + storedVersion + ", expected " + expectedVersion, null, false, false);
        this.storedVersion = storedVersion;
    }

    /** The version found in storage; {@link StoredRecord#NO_VERSION} when the record does not exist. */
    public int storedVersion() {
        return storedVersion;
    }
}
