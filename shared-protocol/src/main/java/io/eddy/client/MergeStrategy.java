package io.eddy.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Resolves a record's version conflict: another writer got the version this client wrote, or the record changed on
 * the server while this client was offline (records.md, "Conflict resolution"). Runs on the client's I/O thread
 * and must not block.
 * <p>
 * The client adopts the server's version; what it does with the returned data:
 * <ul>
 * <li>the remote data (or null) — the record takes the server's state and sends nothing;</li>
 * <li>anything else — the record takes it and sends it as an UPDATE with version {@code remoteVersion + 1}, which
 *     may in turn meet another writer and be merged again.</li>
 * </ul>
 * The nodes passed in are copies the strategy may change and return. A strategy that throws is reported to the
 * error listener as {@code MERGE_FAILED} and the remote data is taken.
 */
@FunctionalInterface
public interface MergeStrategy {

    /** The server's state wins, deepstream's default: local changes that lost the race are dropped. */
    MergeStrategy REMOTE_WINS = (localData, localVersion, remoteData, remoteVersion) -> remoteData;

    /** This client's state wins: it is written again on top of the server's version. */
    MergeStrategy LOCAL_WINS = (localData, localVersion, remoteData, remoteVersion) -> localData;

    /**
     * @param localData     this client's data, including its changes the server did not take
     * @param localVersion  this client's version
     * @param remoteData    the server's data
     * @param remoteVersion the server's version
     * @return the data the record should have
     */
    JsonNode merge(JsonNode localData, int localVersion, JsonNode remoteData, int remoteVersion);
}
