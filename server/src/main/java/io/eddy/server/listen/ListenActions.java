package io.eddy.server.listen;

import io.eddy.protocol.EventAction;
import io.eddy.protocol.RecordAction;
import io.eddy.protocol.Topic;

/** The action numbers of the listening flow, which events and records share under different numbers. */
public record ListenActions(Topic topic, int listen, int unlisten, int accept, int reject, int found, int removed,
                            int invalidRegex, int responseTimeout, int multipleSubscriptions) {

    public static final ListenActions EVENT = new ListenActions(Topic.EVENT, EventAction.LISTEN.code(),
            EventAction.UNLISTEN.code(), EventAction.LISTEN_ACCEPT.code(), EventAction.LISTEN_REJECT.code(),
            EventAction.SUBSCRIPTION_FOR_PATTERN_FOUND.code(), EventAction.SUBSCRIPTION_FOR_PATTERN_REMOVED.code(),
            EventAction.INVALID_LISTEN_REGEX.code(), EventAction.LISTEN_RESPONSE_TIMEOUT.code(),
            EventAction.MULTIPLE_SUBSCRIPTIONS.code());

    public static final ListenActions RECORD = new ListenActions(Topic.RECORD, RecordAction.LISTEN.code(),
            RecordAction.UNLISTEN.code(), RecordAction.LISTEN_ACCEPT.code(), RecordAction.LISTEN_REJECT.code(),
            RecordAction.SUBSCRIPTION_FOR_PATTERN_FOUND.code(), RecordAction.SUBSCRIPTION_FOR_PATTERN_REMOVED.code(),
            RecordAction.INVALID_LISTEN_REGEX.code(), RecordAction.LISTEN_RESPONSE_TIMEOUT.code(),
            RecordAction.MULTIPLE_SUBSCRIPTIONS.code());
}
