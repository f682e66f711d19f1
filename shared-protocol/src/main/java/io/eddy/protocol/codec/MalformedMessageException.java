package io.eddy.protocol.codec;

/** A frame or message that cannot be decoded. The message is kept short: it is logged and may be sent back. */
public final class MalformedMessageException extends Exception {

    public MalformedMessageException(String message) {
        super(message, null, false, false);
    }
}
