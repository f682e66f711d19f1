package io.eddy.server.rpc;

import java.time.Duration;

/**
 * @param acceptTimeout        time a provider has to ACCEPT once the request reached it (deepstream's rpc.ackTimeout)
 * @param responseTimeout      time from the request reaching a provider to its RESPONSE (rpc.responseTimeout)
 * @param provideRequestorName send the requestor's user id with each request (rpc.provideRequestorName)
 * @param provideRequestorData send the requestor's clientData with each request (rpc.provideRequestorData)
 * @param routing              how a provider is picked among those not yet tried
 */
public record RpcSettings(Duration acceptTimeout, Duration responseTimeout, boolean provideRequestorName,
                          boolean provideRequestorData, Routing routing) {

    public enum Routing { RANDOM, ROUND_ROBIN }

    public static RpcSettings defaults() {
        return new RpcSettings(Duration.ofSeconds(1), Duration.ofSeconds(10), false, false, Routing.RANDOM);
    }
}
