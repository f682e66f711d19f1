package io.eddy.protocol;

/** Actions of the LOCK topic, with their wire numbers. */
public enum LockAction implements Action {
    UNKNOWN(0),
    ERROR(1),
    REQUEST(2),
    RESPONSE(3),
    RELEASE(4);

    private static final LockAction[] BY_CODE = Action.index(values(), 4);

    private final int code;

    LockAction(int code) {
        this.code = code;
    }

    @Override
    public int code() {
        return code;
    }

    @Override
    public Topic topic() {
        return Topic.LOCK;
    }

    /** The action with this wire number, or {@link #UNKNOWN} for a number this topic does not define. */
    public static LockAction of(int code) {
        return code >= 0 && code < BY_CODE.length && BY_CODE[code] != null ? BY_CODE[code] : UNKNOWN;
    }
}
