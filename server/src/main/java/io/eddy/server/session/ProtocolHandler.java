package io.eddy.server.session;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eddy.protocol.AuthAction;
import io.eddy.protocol.ConnectionAction;
import io.eddy.protocol.Message;
import io.eddy.protocol.ParserAction;
import io.eddy.protocol.Topic;
import io.eddy.protocol.codec.MalformedMessageException;
import io.eddy.protocol.codec.MessageCodec;
import io.eddy.server.auth.AuthChain;
import io.eddy.server.auth.AuthResult;
import io.eddy.server.metrics.NodeMetrics;
import io.eddy.server.timer.Scheduler;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Map;

/**
 * The connection-level protocol: handshake, login, heartbeats, and routing of everything else to the topic
 * handlers — the state table of the protocol reference (§6–§9), one method per state.
 */
public final class ProtocolHandler {

    private static final Logger LOG = Logger.getLogger(ProtocolHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** CHALLENGE/ACCEPT data by which Eddy's own clients negotiate multi-message frames. */
    static final String MULTI_MESSAGE_FRAMES = "{\"eddy\":{\"multiMessageFrames\":true}}";

    private final ConnectionSettings settings;
    private final AuthChain auth;
    private final Map<Topic, TopicHandler> handlers;
    private final Sessions sessions;
    private final Scheduler scheduler;
    private final BadInput badInput;
    private final NodeMetrics metrics;

    public ProtocolHandler(ConnectionSettings settings, AuthChain auth, Map<Topic, TopicHandler> handlers,
                           Sessions sessions, Scheduler scheduler, BadInput badInput, NodeMetrics metrics) {
        this.settings = settings;
        this.auth = auth;
        this.handlers = Map.copyOf(handlers);
        this.sessions = sessions;
        this.scheduler = scheduler;
        this.badInput = badInput;
        this.metrics = metrics;
    }

    /** A connection opened; the auth timeout starts now, as in deepstream. */
    public Session open(String id, Transport transport) {
        Session session = new Session(id, transport);
        if (settings.maxMessagesPerSecond() > 0) {
            session.rateLimit(new RateLimit(settings.maxMessagesPerSecond()));
        }
        sessions.add(session);
        metrics.connectionsOpened.increment();
        startAuthTimeout(session);
        return session;
    }

    /** One binary frame from the client, on the session's I/O thread. */
    public void onFrame(Session session, byte[] frame) {
        if (session.state() == Session.State.CLOSED || session.isClosing()) {
            return; // what a client sends after the server decided to close it is not processed
        }
        session.touch();
        if (session.multiMessageFrames()) {
            List<Message> messages;
            try {
                messages = MessageCodec.decodeAll(frame, 0, frame.length);
            } catch (MalformedMessageException e) {
                malformed(session, e);
                return;
            }
            if (!withinRateLimit(session, messages.size())) {
                return;
            }
            for (Message m : messages) {
                onMessage(session, m);
            }
        } else {
            if (!withinRateLimit(session, 1)) {
                return;
            }
            Message message;
            try {
                message = MessageCodec.decode(frame);
            } catch (MalformedMessageException e) {
                malformed(session, e);
                return;
            }
            onMessage(session, message);
        }
    }

    private boolean withinRateLimit(Session session, int messages) {
        if (session.withinRateLimit(messages)) {
            return true;
        }
        badInput.close(session, null, CloseReason.RATE_LIMITED, "more than " + settings.maxMessagesPerSecond()
                + " messages per second");
        return false;
    }

    /** The connection is gone; runs once, on the session's I/O thread. */
    public void onClosed(Session session) {
        if (session.state() == Session.State.CLOSED) {
            return;
        }
        session.state(Session.State.CLOSED);
        session.authTimeout().cancel();
        for (TopicHandler handler : handlers.values()) {
            try {
                handler.onSessionClosed(session);
            } catch (RuntimeException e) {
                LOG.errorf(e, "cleaning up %s failed", session);
            }
        }
        sessions.remove(session);
        metrics.connectionsClosed.increment();
    }

    private void onMessage(Session session, Message message) {
        metrics.messagesReceived.increment();
        try {
            switch (session.state()) {
                case AWAITING_CHALLENGE -> awaitingChallenge(session, message);
                case AWAITING_AUTH, AUTHENTICATING -> awaitingAuth(session, message);
                case AUTHENTICATED -> authenticated(session, message);
                case CLOSED -> { }
            }
        } catch (RuntimeException e) {
            // a bug must not take the connection's I/O thread, or other connections, down with it
            LOG.errorf(e, "failed to handle %s from %s", message, session);
        }
    }

    private void awaitingChallenge(Session session, Message message) {
        if (message.topic() != Topic.CONNECTION) {
            badInput.reply(session, Message.of(ConnectionAction.INVALID_MESSAGE), message.topic() + " before CHALLENGE");
        } else if (message.is(ConnectionAction.CHALLENGE)) {
            Message accept = Message.of(ConnectionAction.ACCEPT);
            boolean multi = settings.allowMultiMessageFrames() && requestsMultiMessageFrames(message.data());
            if (multi) {
                accept.data(MULTI_MESSAGE_FRAMES);
            }
            session.send(accept);
            if (multi) {
                session.enableMultiMessageFrames();
            }
            session.state(Session.State.AWAITING_AUTH);
        } else if (!message.is(ConnectionAction.PING)) {
            LOG.debugf("ignoring %s from %s before CHALLENGE", message, session);
        }
    }

    private void awaitingAuth(Session session, Message message) {
        if (message.is(ConnectionAction.PING)) {
            return; // no PONG before login, as deepstream
        }
        if (message.topic() != Topic.AUTH) {
            badInput.reply(session, Message.of(AuthAction.INVALID_MESSAGE), message.topic() + " before login");
            return;
        }
        if (!message.is(AuthAction.REQUEST)) {
            badInput.close(session, Message.of(AuthAction.INVALID_MESSAGE_DATA), CloseReason.AUTHENTICATION_FAILED,
                    "AUTH action " + message.action() + " instead of REQUEST");
            return;
        }
        if (session.state() == Session.State.AUTHENTICATING) {
            badInput.reply(session, Message.of(AuthAction.INVALID_MESSAGE), "AUTH REQUEST while one is in progress");
            return;
        }
        JsonNode authData = authData(message.data());
        if (authData == null) {
            // deepstream 7.0.2 crashes on unparsable auth data; the documented intent is this reply and a close
            badInput.close(session, Message.of(AuthAction.INVALID_MESSAGE_DATA), CloseReason.AUTHENTICATION_FAILED,
                    "auth data is not a JSON object");
            return;
        }
        session.state(Session.State.AUTHENTICATING);
        auth.authenticate(authData).whenComplete((result, failure) ->
                session.execute(() -> authenticationDone(session, result, failure)));
    }

    private void authenticationDone(Session session, AuthResult result, Throwable failure) {
        if (session.state() != Session.State.AUTHENTICATING) {
            return; // closed meanwhile
        }
        if (failure != null) {
            LOG.errorf(failure, "auth provider failed for %s", session);
            result = new AuthResult.Rejected(null);
        }
        if (result instanceof AuthResult.Accepted accepted) {
            session.authTimeout().cancel();
            String clientData = json(accepted.clientData());
            session.authenticated(accepted.userId(), clientData, accepted.serverData());
            session.send(Message.of(AuthAction.AUTH_SUCCESSFUL).data(clientData));
            LOG.debugf("%s logged in from %s", session, session.remoteAddress());
            for (TopicHandler handler : handlers.values()) {
                handler.onSessionAuthenticated(session);
            }
            return;
        }
        AuthResult.Rejected rejected = (AuthResult.Rejected) result;
        session.state(Session.State.AWAITING_AUTH);
        int attempts = session.recordFailedAuthAttempt();
        // deepstream stops the timer at the first result, even a failure, so a connection that failed once may idle
        // unauthenticated for ever; here each failure starts a fresh window for the next attempt instead
        session.authTimeout().cancel();
        startAuthTimeout(session);
        session.send(Message.of(AuthAction.AUTH_UNSUCCESSFUL).data(json(rejected.clientData())));
        if (attempts >= settings.maxAuthAttempts()) {
            session.send(Message.of(AuthAction.TOO_MANY_AUTH_ATTEMPTS));
            session.close(CloseReason.AUTHENTICATION_FAILED);
        }
    }

    private void startAuthTimeout(Session session) {
        session.authTimeout(scheduler.schedule(() -> session.execute(() -> authenticationTimedOut(session)),
                settings.unauthenticatedClientTimeout()));
    }

    private void authenticationTimedOut(Session session) {
        Session.State state = session.state();
        if (state != Session.State.AUTHENTICATED && state != Session.State.CLOSED) {
            session.send(Message.of(ConnectionAction.AUTHENTICATION_TIMEOUT));
            session.close(CloseReason.AUTHENTICATION_FAILED);
        }
    }

    private void authenticated(Session session, Message message) {
        TopicHandler handler = handlers.get(message.topic());
        if (handler != null) {
            handler.handle(session, message);
        } else if (message.is(ConnectionAction.PING)) {
            session.send(Message.of(ConnectionAction.PONG));
        } else {
            badInput.reply(session, Message.of(ParserAction.UNKNOWN_TOPIC), message.topic() + " after login");
        }
    }

    private void malformed(Session session, MalformedMessageException e) {
        metrics.messagesReceived.increment();
        Message reply = switch (session.state()) {
            case AWAITING_CHALLENGE -> Message.of(ConnectionAction.INVALID_MESSAGE);
            case AWAITING_AUTH, AUTHENTICATING -> Message.of(AuthAction.INVALID_MESSAGE);
            case AUTHENTICATED, CLOSED -> Message.of(ParserAction.UNKNOWN_TOPIC);
        };
        badInput.reply(session, reply, "undecodable frame: " + e.getMessage());
    }

    /** The auth data as deepstream accepts it: a JSON object, or an array; anything else is refused. */
    private static JsonNode authData(String data) {
        if (data == null) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(data);
            return node != null && (node.isObject() || node.isArray()) ? node : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static boolean requestsMultiMessageFrames(String data) {
        if (data == null) {
            return false;
        }
        try {
            return JSON.readTree(data).path("eddy").path("multiMessageFrames").asBoolean(false);
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    private static String json(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
