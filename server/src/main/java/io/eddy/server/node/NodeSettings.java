package io.eddy.server.node;

import io.eddy.server.event.EventSettings;
import io.eddy.server.listen.ListenSettings;
import io.eddy.server.session.ConnectionSettings;

/** Everything a node needs to know besides its auth providers, as plain values. */
public record NodeSettings(ConnectionSettings connection, ListenSettings listen, EventSettings events) {

    public static NodeSettings defaults() {
        return new NodeSettings(ConnectionSettings.defaults(), ListenSettings.defaults(), EventSettings.defaults());
    }

    public NodeSettings withConnection(ConnectionSettings connection) {
        return new NodeSettings(connection, listen, events);
    }

    public NodeSettings withListen(ListenSettings listen) {
        return new NodeSettings(connection, listen, events);
    }
}
