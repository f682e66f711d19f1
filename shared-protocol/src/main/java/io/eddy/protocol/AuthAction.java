package io.eddy.protocol;

/** Actions of the AUTH topic, with their wire numbers. */
public enum AuthAction implements Action {
    UNKNOWN(0),
    ERROR(1),
    REQUEST(2),
    AUTH_SUCCESSFUL(3),
    AUTH_UNSUCCESSFUL(4),
    TOO_MANY_AUTH_ATTEMPTS(100),
    INVALID_MESSAGE(101),
    INVALID_MESSAGE_DATA(102);

    private static final AuthAction[] BY_CODE = Action.index(values(), 102);

    private final int code;

    AuthAction(int code) {
        this.code = code;
    }

    @Override
    public int code() {
        return code;
    }

    @Override
    public Topic topic() {
        return Topic.AUTH;
    }

    /** The action with this wire number, or {@link #UNKNOWN} for a number this topic does not define. */
    public static AuthAction of(int code) {
        return code >= 0 && code < BY_CODE.length && BY_CODE[code] != null ? BY_CODE[code] : UNKNOWN;
    }
}
