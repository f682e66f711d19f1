package io.eddy.server.event;

import io.eddy.protocol.EventAction;
import io.eddy.protocol.Message;
import io.eddy.protocol.json.JsonText;
import io.eddy.server.listen.ListenRegistry;
import io.eddy.server.session.BadInput;
import io.eddy.server.session.Session;
import io.eddy.server.session.TopicHandler;
import io.eddy.server.subscription.SubscriptionRegistry;

/** The EVENT topic: bulk subscribe/unsubscribe, emit fan-out and listening (events.md). */
public final class EventHandler implements TopicHandler {

    private final SubscriptionRegistry subscriptions;
    private final ListenRegistry listening;
    private final EventSettings settings;
    private final BadInput badInput;

    public EventHandler(SubscriptionRegistry subscriptions, ListenRegistry listening, EventSettings settings,
                        BadInput badInput) {
        this.subscriptions = subscriptions;
        this.listening = listening;
        this.settings = settings;
        this.badInput = badInput;
    }

    @Override
    public void handle(Session session, Message message) {
        switch (EventAction.of(message.action())) {
            case EMIT -> emit(session, message);
            case SUBSCRIBE -> subscribe(session, message);
            case UNSUBSCRIBE -> unsubscribe(session, message);
            case LISTEN -> {
                if (requireName(session, message)) {
                    listening.listen(session, message.name());
                }
            }
            case UNLISTEN -> {
                if (requireName(session, message)) {
                    listening.unlisten(session, message.name());
                }
            }
            case LISTEN_ACCEPT -> {
                if (requireSubscription(session, message)) {
                    listening.accept(session, message.name(), message.subscription());
                }
            }
            case LISTEN_REJECT -> {
                if (requireSubscription(session, message)) {
                    listening.reject(session, message.name(), message.subscription());
                }
            }
            default -> badInput.reply(session, BadInput.unknownAction(message), "unknown EVENT action " + message.action());
        }
    }

    @Override
    public void onSessionClosed(Session session) {
        for (String name : session.eventSubscriptions()) {
            subscriptions.remove(name, session);
        }
        session.eventSubscriptions().clear();
        listening.onSessionClosed(session);
    }

    private void emit(Session sender, Message message) {
        if (!requireName(sender, message)) {
            return;
        }
        if (settings.validateData() && message.data() != null && !JsonText.isValid(message.data())) {
            badInput.reply(sender, Message.of(EventAction.INVALID_MESSAGE_DATA).name(message.name())
                    .originalAction(EventAction.EMIT).isError(true), "EMIT data is not JSON");
            return;
        }
        // the decoded message is re-encoded rather than the frame forwarded, so only fields of the schema travel on
        subscriptions.sendToSubscribers(message.name(), message, sender);
    }

    private void subscribe(Session session, Message message) {
        for (String name : message.names()) {
            if (session.eventSubscriptions().add(name)) {
                subscriptions.add(name, session);
            } else {
                session.send(Message.of(EventAction.MULTIPLE_SUBSCRIPTIONS).name(name)
                        .originalAction(EventAction.SUBSCRIBE));
            }
        }
        session.send(Message.of(EventAction.SUBSCRIBE).correlationId(message.correlationId()).isAck(true));
    }

    private void unsubscribe(Session session, Message message) {
        for (String name : message.names()) {
            if (session.eventSubscriptions().remove(name)) {
                subscriptions.remove(name, session);
            }
        }
        session.send(Message.of(EventAction.UNSUBSCRIBE).correlationId(message.correlationId()).isAck(true));
    }

    private boolean requireName(Session session, Message message) {
        if (message.name() != null) {
            return true;
        }
        badInput.reply(session, BadInput.missingField(message), "EVENT " + EventAction.of(message.action()) + " without a name");
        return false;
    }

    private boolean requireSubscription(Session session, Message message) {
        if (message.name() != null && message.subscription() != null) {
            return true;
        }
        badInput.reply(session, BadInput.missingField(message), "EVENT " + EventAction.of(message.action())
                + " without pattern or subscription");
        return false;
    }
}
