package io.eddy.server.session;

import io.eddy.protocol.Message;
import io.eddy.protocol.ParserAction;
import io.eddy.server.metrics.NodeMetrics;
import org.jboss.logging.Logger;

/**
 * The one place bad client input leaves through: it sends the documented reply (or closes), counts it, and logs
 * the first occurrence per connection — a misbehaving client cannot flood the log.
 */
public final class BadInput {

    private static final Logger LOG = Logger.getLogger(BadInput.class);

    private final NodeMetrics metrics;

    public BadInput(NodeMetrics metrics) {
        this.metrics = metrics;
    }

    /** Answers with {@code reply} (may be null) and keeps the connection. */
    public void reply(Session session, Message reply, String what) {
        record(session, what);
        if (reply != null) {
            session.send(reply);
        }
    }

    /** Answers with {@code reply} (may be null) and then closes the connection. */
    public void close(Session session, Message reply, CloseReason reason, String what) {
        reply(session, reply, what);
        session.close(reason);
    }

    /** PARSER UNKNOWN_ACTION: a diagnostic (clients ignore the PARSER topic) where deepstream stays silent. */
    public static Message unknownAction(Message message) {
        return Message.of(ParserAction.UNKNOWN_ACTION).originalTopic(message.topic().code())
                .originalAction(message.action());
    }

    /** PARSER INVALID_MESSAGE: a message without a field its action needs. */
    public static Message missingField(Message message) {
        return Message.of(ParserAction.INVALID_MESSAGE).originalTopic(message.topic().code())
                .originalAction(message.action());
    }

    private void record(Session session, String what) {
        metrics.badInputs.increment();
        if (session.firstBadInput()) {
            LOG.infof("bad input from %s at %s: %s (further bad input from this connection is only counted)",
                    session, session.remoteAddress(), what);
        } else {
            LOG.debugf("bad input from %s: %s", session, what);
        }
    }
}
