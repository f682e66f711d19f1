package io.eddy.server.node;

import io.eddy.server.event.EventSettings;
import io.eddy.server.listen.ListenSettings;
import io.eddy.server.record.RecordSettings;
import io.eddy.server.rpc.RpcSettings;
import io.eddy.server.session.ConnectionSettings;

/** Everything a node needs to know besides its auth providers, as plain values. */
public record NodeSettings(ConnectionSettings connection, ListenSettings listen, EventSettings events,
                           RecordSettings records, RpcSettings rpc) {

    public static NodeSettings defaults() {
        return new NodeSettings(ConnectionSettings.defaults(), ListenSettings.defaults(), EventSettings.defaults(),
                RecordSettings.defaults(), RpcSettings.defaults());
    }
}
