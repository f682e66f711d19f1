package io.eddy.server.rpc;

import io.eddy.protocol.Message;
import io.eddy.server.session.Session;
import io.eddy.server.timer.Timeout;

import java.util.ArrayList;
import java.util.List;

/**
 * One remote procedure call in flight. Guarded by its own monitor: requestor, provider and the timer touch it from
 * different threads. A call holds one pending timeout at a time, not one per deadline.
 */
final class RpcCall {

    final String correlationId;
    final String name;
    final Session requestor;
    final Message request;
    final List<Session> tried = new ArrayList<>(2);
    Session provider;
    boolean accepted;
    boolean done;
    long acceptDeadline;
    long responseDeadline;
    /** Bumped on every routing, so a timeout armed for an earlier provider does nothing. */
    int attempt;
    Timeout timeout = Timeout.NONE;

    RpcCall(Message request, Session requestor) {
        this.correlationId = request.correlationId();
        this.name = request.name();
        this.requestor = requestor;
        this.request = request;
    }
}
