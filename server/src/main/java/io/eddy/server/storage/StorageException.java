package io.eddy.server.storage;

/** Storage could not be reached or refused an operation. */
public final class StorageException extends RuntimeException {

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
