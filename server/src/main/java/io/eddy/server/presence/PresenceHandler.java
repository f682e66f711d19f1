package io.eddy.server.presence;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eddy.protocol.Message;
import io.eddy.protocol.PresenceAction;
import io.eddy.server.session.BadInput;
import io.eddy.server.session.Session;
import io.eddy.server.session.TopicHandler;
import io.eddy.server.subscription.LocalSubscriptionRegistry;
import io.eddy.server.subscription.SubscriptionRegistry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The PRESENCE topic (presence.md). A user — the id its auth provider returned — is online while at least one of
 * its connections is logged in: its first connection sends PRESENCE_JOIN, the close of its last one PRESENCE_LEAVE,
 * and connections in between are silent. Counting and notifying happen under one lock, so joins and leaves of one
 * user can never reach subscribers out of order.
 * <p>
 * Anonymous users are handled as deepstream does: open auth without a username logs in as "open", which is
 * reported like any user; only the user id "OPEN" is left out of presence.
 */
public final class PresenceHandler implements TopicHandler {

    static final String EXCLUDED_USER = "OPEN";
    /** The one name in {@link #everybody}. */
    private static final String ALL = "";

    private final SubscriptionRegistry userSubscriptions = new LocalSubscriptionRegistry();
    /**
     * Connections subscribed to everybody, under one name: a registry rather than a plain array, so an announcement
     * reaches them encoded once and handed to each I/O thread as one task. Changed under lock.
     */
    private final SubscriptionRegistry everybody = new LocalSubscriptionRegistry();
    private final BadInput badInput;
    private final Object lock = new Object();
    /** Connections per online user, in the order users came online. Guarded by lock. */
    private final Map<String, Integer> online = new LinkedHashMap<>();

    public PresenceHandler(BadInput badInput) {
        this.badInput = badInput;
    }

    @Override
    public void onSessionAuthenticated(Session session) {
        String user = session.userId();
        if (user == null || user.equals(EXCLUDED_USER)) {
            return;
        }
        synchronized (lock) {
            if (online.merge(user, 1, Integer::sum) == 1) {
                announce(user, PresenceAction.PRESENCE_JOIN_ALL, PresenceAction.PRESENCE_JOIN);
            }
        }
    }

    @Override
    public void onSessionClosed(Session session) {
        for (String user : session.presenceSubscriptions()) {
            userSubscriptions.remove(user, session);
        }
        session.presenceSubscriptions().clear();
        String user = session.userId();
        synchronized (lock) {
            if (session.presenceSubscribedToAll()) {
                everybody.remove(ALL, session);
            }
            if (user != null && !user.equals(EXCLUDED_USER)) { // a user id is only set by a successful login
                Integer remaining = online.computeIfPresent(user, (u, n) -> n == 1 ? null : n - 1);
                if (remaining == null) {
                    announce(user, PresenceAction.PRESENCE_LEAVE_ALL, PresenceAction.PRESENCE_LEAVE);
                }
            }
        }
    }

    @Override
    public void handle(Session session, Message m) {
        switch (PresenceAction.of(m.action())) {
            case SUBSCRIBE_ALL -> {
                synchronized (lock) {
                    if (!session.presenceSubscribedToAll()) {
                        session.presenceSubscribedToAll(true);
                        everybody.add(ALL, session);
                    }
                }
                session.send(Message.of(PresenceAction.SUBSCRIBE_ALL).isAck(true));
            }
            case UNSUBSCRIBE_ALL -> {
                synchronized (lock) {
                    if (session.presenceSubscribedToAll()) {
                        session.presenceSubscribedToAll(false);
                        everybody.remove(ALL, session);
                    }
                }
                session.send(Message.of(PresenceAction.UNSUBSCRIBE_ALL).isAck(true));
            }
            case SUBSCRIBE -> {
                for (String user : m.names()) {
                    if (session.presenceSubscriptions().add(user)) {
                        userSubscriptions.add(user, session);
                    } else {
                        session.send(Message.of(PresenceAction.MULTIPLE_SUBSCRIPTIONS).name(user)
                                .originalAction(PresenceAction.SUBSCRIBE));
                    }
                }
                session.send(Message.of(PresenceAction.SUBSCRIBE).correlationId(m.correlationId()).isAck(true));
            }
            case UNSUBSCRIBE -> {
                for (String user : m.names()) {
                    if (session.presenceSubscriptions().remove(user)) {
                        userSubscriptions.remove(user, session);
                    }
                }
                session.send(Message.of(PresenceAction.UNSUBSCRIBE).correlationId(m.correlationId()).isAck(true));
            }
            case QUERY_ALL -> {
                List<String> users = new ArrayList<>();
                synchronized (lock) {
                    for (String user : online.keySet()) {
                        if (!user.equals(session.userId())) {
                            users.add(user);
                        }
                    }
                }
                Message reply = Message.of(PresenceAction.QUERY_ALL_RESPONSE);
                session.send(users.isEmpty() ? reply : reply.names(users));
            }
            case QUERY -> {
                ObjectNode result = JsonNodeFactory.instance.objectNode();
                synchronized (lock) {
                    for (String user : m.names()) {
                        result.put(user, online.containsKey(user));
                    }
                }
                session.send(Message.of(PresenceAction.QUERY_RESPONSE).correlationId(m.correlationId())
                        .data(result.toString()));
            }
            default -> badInput.reply(session, BadInput.unknownAction(m), "unknown PRESENCE action " + m.action());
        }
    }

    /** Everybody-subscribers first, then the user's own subscribers, as deepstream orders them. Holds the lock. */
    private void announce(String user, PresenceAction toEverybody, PresenceAction toSubscribers) {
        everybody.sendToSubscribers(ALL, Message.of(toEverybody).name(user), null);
        userSubscriptions.sendToSubscribers(user, Message.of(toSubscribers).name(user), null);
    }
}
