package io.eddy.protocol;

/** Actions of the CONNECTION topic, with their wire numbers. */
public enum ConnectionAction implements Action {
    UNKNOWN(0),
    ERROR(1),
    PING(2),
    PONG(3),
    ACCEPT(4),
    CHALLENGE(5),
    REJECT(6),
    REDIRECT(7),
    CLOSING(8),
    CLOSED(9),
    AUTHENTICATION_TIMEOUT(100),
    INVALID_MESSAGE(101);

    private static final ConnectionAction[] BY_CODE = Action.index(values(), 101);

    private final int code;

    ConnectionAction(int code) {
        this.code = code;
    }

    @Override
    public int code() {
        return code;
    }

    @Override
    public Topic topic() {
        return Topic.CONNECTION;
    }

    /** The action with this wire number, or {@link #UNKNOWN} for a number this topic does not define. */
    public static ConnectionAction of(int code) {
        return code >= 0 && code < BY_CODE.length && BY_CODE[code] != null ? BY_CODE[code] : UNKNOWN;
    }
}
