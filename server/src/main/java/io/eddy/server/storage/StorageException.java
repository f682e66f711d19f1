package io.eddy.server.storage;

/** Storage could not be reached or refused an operation. */
public final class StorageException extends RuntimeException {

    private final boolean refusal;

    public StorageException(String message, Throwable cause) {
        this(message, cause, false);
    }

    private StorageException(String message, Throwable cause, boolean refusal) {
        super(message, cause);
        this.refusal = refusal;
    }

    /** The storage refused the data itself (PostgreSQL's jsonb and {@code \u0000}, say): trying again cannot help. */
    public static StorageException refused(String message, Throwable cause) {
        return new StorageException(message, cause, true);
    }

    public boolean isRefusal() {
        return refusal;
    }
}
