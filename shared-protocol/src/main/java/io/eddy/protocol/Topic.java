package io.eddy.protocol;

/** The TOPIC enum of the wire format. */
public enum Topic {
    UNKNOWN(0),
    PARSER(1),
    CONNECTION(2),
    AUTH(3),
    EVENT(4),
    RECORD(5),
    RPC(6),
    PRESENCE(7),
    MONITORING(8),
    CLUSTER(9),
    LOCK(10),
    /** Server-to-server only; the official parser has no schema for it. */
    STATE_REGISTRY(11),
    /** Defined but never used on the wire and not decodable. */
    ERROR(100);

    private static final Topic[] BY_CODE = new Topic[101];

    static {
        for (Topic t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;

    Topic(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The topic with this wire number, or null when the number is not a topic. */
    public static Topic of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** The action of this topic with the given wire number ({@code UNKNOWN} when undefined). */
    public Action action(int code) {
        return switch (this) {
            case PARSER -> ParserAction.of(code);
            case CONNECTION -> ConnectionAction.of(code);
            case AUTH -> AuthAction.of(code);
            case EVENT -> EventAction.of(code);
            case RECORD -> RecordAction.of(code);
            case RPC -> RpcAction.of(code);
            case PRESENCE -> PresenceAction.of(code);
            case MONITORING -> MonitoringAction.of(code);
            case CLUSTER -> ClusterAction.of(code);
            case LOCK -> LockAction.of(code);
            case UNKNOWN, STATE_REGISTRY, ERROR -> null;
        };
    }
}
