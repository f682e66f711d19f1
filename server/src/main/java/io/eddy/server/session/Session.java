package io.eddy.server.session;

import com.fasterxml.jackson.databind.JsonNode;
import io.eddy.protocol.Message;
import io.eddy.protocol.codec.MessageCodec;
import io.eddy.server.timer.Timeout;

import java.util.HashSet;
import java.util.Set;

/**
 * One client connection as the protocol sees it: login state, identity and what the handlers registered for it.
 * <p>
 * Everything but {@link #send}, {@link #close} and {@link #lastInboundNanos} is confined to the connection's I/O
 * thread: inbound messages, the close callback and tasks passed to {@link #execute} all run there, so the fields
 * need no locks.
 */
public final class Session {

    public enum State { AWAITING_CHALLENGE, AWAITING_AUTH, AUTHENTICATING, AUTHENTICATED, CLOSED }

    private final String id;
    private final Transport transport;
    private volatile long lastInboundNanos = System.nanoTime();
    private volatile boolean closing;

    private State state = State.AWAITING_CHALLENGE;
    private boolean multiMessageFrames;
    private int failedAuthAttempts;
    private Timeout authTimeout = Timeout.NONE;
    private String userId;
    private String clientData;
    private JsonNode serverData;
    private boolean badInputLogged;
    private RateLimit rateLimit;

    // created on first use: most connections use one or two of these, and ten thousand idle connections
    // should not hold forty thousand empty sets
    private Set<String> eventSubscriptions;
    private Set<String> recordSubscriptions;
    private Set<String> providedRpcs;
    private Set<String> presenceSubscriptions;
    private boolean presenceSubscribedToAll;

    public Session(String id, Transport transport) {
        this.id = id;
        this.transport = transport;
    }

    public String id() {
        return id;
    }

    public void send(Message message) {
        transport.send(MessageCodec.encode(message));
    }

    /** Sends bytes encoded once for many recipients. */
    public void sendFrame(byte[] frame) {
        transport.send(frame);
    }

    /** The write side, for the transport's own batch hand-over. */
    public Transport transport() {
        return transport;
    }

    /** Sessions with the same affinity share an I/O thread; fan-outs group them by it. */
    public int affinity() {
        return transport.affinity();
    }

    public void close(CloseReason reason) {
        closing = true;
        transport.close(reason);
    }

    /** The server is closing this connection; its further input is ignored. */
    public boolean isClosing() {
        return closing;
    }

    public void execute(Runnable task) {
        transport.execute(task);
    }

    public String remoteAddress() {
        return transport.remoteAddress();
    }

    void touch() {
        lastInboundNanos = System.nanoTime();
    }

    public long lastInboundNanos() {
        return lastInboundNanos;
    }

    public State state() {
        return state;
    }

    void state(State state) {
        this.state = state;
    }

    public boolean isAuthenticated() {
        return state == State.AUTHENTICATED;
    }

    boolean multiMessageFrames() {
        return multiMessageFrames;
    }

    void enableMultiMessageFrames() {
        multiMessageFrames = true;
        transport.enableMultiMessageFrames();
    }

    int recordFailedAuthAttempt() {
        return ++failedAuthAttempts;
    }

    void authTimeout(Timeout timeout) {
        this.authTimeout = timeout;
    }

    Timeout authTimeout() {
        return authTimeout;
    }

    void authenticated(String userId, String clientData, JsonNode serverData) {
        this.userId = userId;
        this.clientData = clientData;
        this.serverData = serverData;
        this.state = State.AUTHENTICATED;
    }

    /** The user id the auth provider returned; null before login. */
    public String userId() {
        return userId;
    }

    /** JSON text of the provider's clientData, or null. */
    public String clientData() {
        return clientData;
    }

    /** The provider's serverData (never sent to clients; permission rules read it), or null. */
    public JsonNode serverData() {
        return serverData;
    }

    void rateLimit(RateLimit rateLimit) {
        this.rateLimit = rateLimit;
    }

    /** False when this message pushes the connection over its rate limit. */
    boolean withinRateLimit(int messages) {
        return rateLimit == null || rateLimit.take(messages);
    }

    /** True the first time only: bad input is logged once per connection, then only counted. */
    boolean firstBadInput() {
        if (badInputLogged) {
            return false;
        }
        badInputLogged = true;
        return true;
    }

    /** Event names this connection subscribed to. Owned by the event handler. */
    public Set<String> eventSubscriptions() {
        if (eventSubscriptions == null) {
            eventSubscriptions = new HashSet<>(4);
        }
        return eventSubscriptions;
    }

    /** Record names this connection subscribed to. Owned by the record handler. */
    public Set<String> recordSubscriptions() {
        if (recordSubscriptions == null) {
            recordSubscriptions = new HashSet<>(4);
        }
        return recordSubscriptions;
    }

    /** RPC names this connection provides. Owned by the RPC handler. */
    public Set<String> providedRpcs() {
        if (providedRpcs == null) {
            providedRpcs = new HashSet<>(4);
        }
        return providedRpcs;
    }

    /** Users whose presence this connection follows. Owned by the presence handler. */
    public Set<String> presenceSubscriptions() {
        if (presenceSubscriptions == null) {
            presenceSubscriptions = new HashSet<>(4);
        }
        return presenceSubscriptions;
    }

    public boolean presenceSubscribedToAll() {
        return presenceSubscribedToAll;
    }

    public void presenceSubscribedToAll(boolean subscribed) {
        this.presenceSubscribedToAll = subscribed;
    }

    @Override
    public String toString() {
        return "session " + id + (userId == null ? "" : " (" + userId + ")");
    }
}
