package io.eddy.protocol;

/** Actions of the MONITORING topic, with their wire numbers. */
public enum MonitoringAction implements Action {
    UNKNOWN(0);

    private static final MonitoringAction[] BY_CODE = Action.index(values(), 0);

    private final int code;

    MonitoringAction(int code) {
        this.code = code;
    }

    @Override
    public int code() {
        return code;
    }

    @Override
    public Topic topic() {
        return Topic.MONITORING;
    }

    /** The action with this wire number, or {@link #UNKNOWN} for a number this topic does not define. */
    public static MonitoringAction of(int code) {
        return code >= 0 && code < BY_CODE.length && BY_CODE[code] != null ? BY_CODE[code] : UNKNOWN;
    }
}
