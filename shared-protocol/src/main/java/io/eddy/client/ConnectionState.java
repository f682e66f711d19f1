package io.eddy.client;

/**
 * The states of an {@link EddyClient}'s connection. The names are those of the JavaScript client's
 * {@code CONNECTION_STATE}, so logs and dashboards read the same for both.
 * <pre>
 * AWAITING_CONNECTION ─socket open─▶ CHALLENGING ─ACCEPT─▶ AWAITING_AUTHENTICATION ─login─▶ AUTHENTICATING ─▶ OPEN
 *        ▲                                                          ▲                              │ refused
 *        │                                                          └──────────────────────────────┘
 * RECONNECTING ◀── unexpected close (any state) ── back-off, then a new socket
 * </pre>
 * {@link #CLOSED}, {@link #CHALLENGE_DENIED}, {@link #TOO_MANY_AUTH_ATTEMPTS}, {@link #AUTHENTICATION_TIMEOUT} and
 * {@link #ERROR} are final: the client never connects again from them.
 */
public enum ConnectionState {
    /** A TCP connection and WebSocket handshake are in progress (first connection). */
    AWAITING_CONNECTION,
    /** The socket is open and CONNECTION CHALLENGE was sent; waiting for ACCEPT. */
    CHALLENGING,
    /** The server accepted the connection; waiting for {@link EddyClient#login} (or after a refused login). */
    AWAITING_AUTHENTICATION,
    /** AUTH REQUEST was sent; waiting for the result. */
    AUTHENTICATING,
    /** Logged in: subscriptions, emits and listens reach the server. */
    OPEN,
    /** The connection was lost; a new one is scheduled or being opened. */
    RECONNECTING,
    /** The server sent CONNECTION REDIRECT; the client is moving to the URL it named. */
    REDIRECTING,
    /** Final: the server sent CONNECTION REJECT. */
    CHALLENGE_DENIED,
    /** Final: the server refused too many logins and closed the connection. */
    TOO_MANY_AUTH_ATTEMPTS,
    /** Final: the client did not log in within the server's unauthenticated-client timeout. */
    AUTHENTICATION_TIMEOUT,
    /** Final: the connection was lost and every reconnection attempt failed. */
    ERROR,
    /** Final: {@link EddyClient#close()} was called. */
    CLOSED;

    /** Whether the client has stopped for good in this state. */
    public boolean isFinal() {
        return switch (this) {
            case CLOSED, CHALLENGE_DENIED, TOO_MANY_AUTH_ATTEMPTS, AUTHENTICATION_TIMEOUT, ERROR -> true;
            default -> false;
        };
    }
}
