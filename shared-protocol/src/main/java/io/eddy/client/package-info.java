/**
 * A Java client for Eddy and deepstream servers, over deepstream's binary WebSocket protocol.
 * <p>
 * Start with {@link io.eddy.client.EddyClient#builder}. The public types are {@link io.eddy.client.EddyClient} and
 * its builder, {@link io.eddy.client.Events} (publish/subscribe and listening), {@link io.eddy.client.Records} with
 * {@link io.eddy.client.Record}, {@link io.eddy.client.RecordList} and {@link io.eddy.client.MergeStrategy},
 * {@link io.eddy.client.Rpcs} with {@link io.eddy.client.RpcResponse} and {@link io.eddy.client.RpcException},
 * {@link io.eddy.client.Presence}, the listener and callback interfaces, {@link io.eddy.client.ConnectionState},
 * {@link io.eddy.client.LoginResult} and {@link io.eddy.client.EddyClientException}; everything else in the package
 * is internal.
 * <p>
 * Behaviour follows the JavaScript client {@code @deepstream/client} 7 where it is observable on the wire (the
 * handshake, bulk correlation ids, what is restored after a reconnect, the back-off, record versions and paths), so
 * a server sees the same traffic from both. Each client is confined to one Netty event loop; many clients may share one group.
 */
package io.eddy.client;
