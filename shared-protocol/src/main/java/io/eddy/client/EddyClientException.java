package io.eddy.client;

import io.eddy.protocol.Topic;

/**
 * Completes a client future exceptionally. {@link #event()} uses the names of {@link ClientErrorListener}
 * (e.g. {@code ACK_TIMEOUT}, {@code MESSAGE_DENIED}), plus {@code IS_CLOSED} when the client stopped before the
 * request could be answered.
 */
public final class EddyClientException extends RuntimeException {

    private final Topic topic;
    private final String event;

    public EddyClientException(Topic topic, String event, String detail) {
        super(detail == null ? topic + " " + event : topic + " " + event + ": " + detail, null, false, false);
        this.topic = topic;
        this.event = event;
    }

    public Topic topic() {
        return topic;
    }

    public String event() {
        return event;
    }
}
