package io.eddy.protocol;

/** Actions of the PARSER topic, with their wire numbers. */
public enum ParserAction implements Action {
    UNKNOWN(0),
    UNKNOWN_TOPIC(1),
    UNKNOWN_ACTION(2),
    INVALID_MESSAGE(3),
    MESSAGE_PARSE_ERROR(4),
    MAXIMUM_MESSAGE_SIZE_EXCEEDED(5),
    ERROR(6),
    INVALID_META_PARAMS(7);

    private static final ParserAction[] BY_CODE = Action.index(values(), 7);

    private final int code;

    ParserAction(int code) {
        this.code = code;
    }

    @Override
    public int code() {
        return code;
    }

    @Override
    public Topic topic() {
        return Topic.PARSER;
    }

    /** The action with this wire number, or {@link #UNKNOWN} for a number this topic does not define. */
    public static ParserAction of(int code) {
        return code >= 0 && code < BY_CODE.length && BY_CODE[code] != null ? BY_CODE[code] : UNKNOWN;
    }
}
