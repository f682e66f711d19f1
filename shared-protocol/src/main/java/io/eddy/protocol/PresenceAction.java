package io.eddy.protocol;

/** Actions of the PRESENCE topic, with their wire numbers. */
public enum PresenceAction implements Action {
    UNKNOWN(0),
    ERROR(1),
    QUERY_ALL(2),
    QUERY_ALL_RESPONSE(3),
    QUERY(4),
    QUERY_RESPONSE(5),
    PRESENCE_JOIN(6),
    PRESENCE_JOIN_ALL(7),
    PRESENCE_LEAVE(8),
    PRESENCE_LEAVE_ALL(9),
    SUBSCRIBE(10),
    UNSUBSCRIBE(11),
    SUBSCRIBE_ALL(12),
    UNSUBSCRIBE_ALL(13),
    INVALID_PRESENCE_USERS(100),
    MESSAGE_PERMISSION_ERROR(101),
    MESSAGE_DENIED(102),
    MULTIPLE_SUBSCRIPTIONS(103),
    NOT_SUBSCRIBED(104);

    private static final PresenceAction[] BY_CODE = Action.index(values(), 104);

    private final int code;

    PresenceAction(int code) {
        this.code = code;
    }

    @Override
    public int code() {
        return code;
    }

    @Override
    public Topic topic() {
        return Topic.PRESENCE;
    }

    /** The action with this wire number, or {@link #UNKNOWN} for a number this topic does not define. */
    public static PresenceAction of(int code) {
        return code >= 0 && code < BY_CODE.length && BY_CODE[code] != null ? BY_CODE[code] : UNKNOWN;
    }
}
