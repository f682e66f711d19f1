package io.eddy.server.storage;

/**
 * A record as stored: its version and its data as JSON text (an object or an array).
 */
public record StoredRecord(int version, String json) {

    /** The version of a record that does not exist, as deepstream reports it. */
    public static final int NO_VERSION = -1;
}
