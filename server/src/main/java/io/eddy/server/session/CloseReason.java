package io.eddy.server.session;

/** Why the server closes a connection, with the WebSocket close code it sends. */
public enum CloseReason {
    /** Login failed for good (too many attempts, auth timeout, malformed auth data). */
    AUTHENTICATION_FAILED(1000, "authentication failed"),
    HEARTBEAT_TIMEOUT(1000, "no message within two heartbeat intervals"),
    TEXT_FRAME(1003, "only binary frames are supported"),
    RATE_LIMITED(1008, "too many messages per second"),
    MESSAGE_TOO_BIG(1009, "message too big"),
    /** The TCP connection is dropped without a close frame, which would wait behind the unread data. */
    SLOW_CONSUMER(1013, "client does not read fast enough"),
    SERVER_SHUTDOWN(1001, "server shutting down"),
    INTERNAL_ERROR(1011, "internal error");

    private final int code;
    private final String text;

    CloseReason(int code, String text) {
        this.code = code;
        this.text = text;
    }

    public int code() {
        return code;
    }

    public String text() {
        return text;
    }
}
