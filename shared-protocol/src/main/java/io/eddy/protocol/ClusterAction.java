package io.eddy.protocol;

/** Actions of the CLUSTER topic, with their wire numbers. */
public enum ClusterAction implements Action {
    UNKNOWN(0),
    REMOVE(1),
    STATUS(2);

    private static final ClusterAction[] BY_CODE = Action.index(values(), 2);

    private final int code;

    ClusterAction(int code) {
        this.code = code;
    }

    @Override
    public int code() {
        return code;
    }

    @Override
    public Topic topic() {
        return Topic.CLUSTER;
    }

    /** The action with this wire number, or {@link #UNKNOWN} for a number this topic does not define. */
    public static ClusterAction of(int code) {
        return code >= 0 && code < BY_CODE.length && BY_CODE[code] != null ? BY_CODE[code] : UNKNOWN;
    }
}
