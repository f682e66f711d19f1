package io.eddy.client;

import java.time.Duration;

/**
 * The record settings of one client; see {@link EddyClient.Builder} for their meaning.
 *
 * @param discardTimeout how long a record without handles stays subscribed before UNSUBSCRIBE is sent
 * @param readTimeout    how long a snapshot, head or has waits for its answer
 * @param deleteTimeout  how long a delete waits for DELETE_SUCCESS
 * @param mergeStrategy  the conflict resolution of records without one of their own
 */
record RecordOptions(Duration discardTimeout, Duration readTimeout, Duration deleteTimeout,
                     MergeStrategy mergeStrategy) {
}
