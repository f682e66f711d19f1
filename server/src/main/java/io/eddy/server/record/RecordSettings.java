package io.eddy.server.record;

import java.time.Duration;
import java.util.List;

/**
 * @param maxCacheEntries           records kept in memory; unsubscribed, stored records beyond it are evicted
 * @param maxCacheBytes             approximate bytes of record data kept in memory
 * @param maxNameLength             longest record name accepted
 * @param storageExclusionPrefixes  names starting with one of these live in memory only (deepstream's
 *                                  storageExclusionPrefixes): never stored, never evicted while they exist
 * @param storageTimeout            how long a load from storage may take before the client gets
 *                                  STORAGE_RETRIEVAL_TIMEOUT (deepstream's storageRetrievalTimeout)
 * @param shards                    threads that own records; a record is always handled by the same one
 */
public record RecordSettings(int maxCacheEntries, long maxCacheBytes, int maxNameLength,
                             List<String> storageExclusionPrefixes, Duration storageTimeout, int shards) {

    public static RecordSettings defaults() {
        return new RecordSettings(100_000, 256L * 1024 * 1024, 1024, List.of(), Duration.ofSeconds(2),
                Math.max(2, Runtime.getRuntime().availableProcessors()));
    }

    boolean isCacheOnly(String name) {
        for (String prefix : storageExclusionPrefixes) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
