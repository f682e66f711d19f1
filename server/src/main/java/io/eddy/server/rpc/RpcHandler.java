package io.eddy.server.rpc;

import io.eddy.protocol.Message;
import io.eddy.protocol.RpcAction;
import io.eddy.protocol.json.JsonText;
import io.eddy.server.session.BadInput;
import io.eddy.server.session.Session;
import io.eddy.server.session.TopicHandler;
import io.eddy.server.subscription.LocalSubscriptionRegistry;
import io.eddy.server.subscription.SubscriptionRegistry;
import io.eddy.server.timer.Scheduler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The RPC topic (rpc.md): providers register names, a request goes to one provider at a time, a rejection moves it
 * to a provider not tried yet, and every call ends — with the provider's answer or with NO_RPC_PROVIDER,
 * ACCEPT_TIMEOUT or RESPONSE_TIMEOUT — because the official client has no timeout of its own.
 * <p>
 * Where deepstream 7.0.2 differs: only the provider a call was routed to may answer it; a provider that disconnects
 * before accepting hands the call to the next provider, and after accepting ends it with RESPONSE_TIMEOUT at once
 * instead of leaving the requestor to wait for the timer; a request whose correlationId is already in flight is
 * refused.
 */
public final class RpcHandler implements TopicHandler {

    private final SubscriptionRegistry providers = new LocalSubscriptionRegistry();
    private final ConcurrentHashMap<String, RpcCall> calls = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicInteger> turns = new ConcurrentHashMap<>();
    private final Scheduler scheduler;
    private final RpcSettings settings;
    private final BadInput badInput;

    public RpcHandler(RpcSettings settings, Scheduler scheduler, BadInput badInput) {
        this.settings = settings;
        this.scheduler = scheduler;
        this.badInput = badInput;
    }

    @Override
    public void handle(Session session, Message m) {
        switch (RpcAction.of(m.action())) {
            case PROVIDE -> provide(session, m);
            case UNPROVIDE -> unprovide(session, m);
            case REQUEST -> request(session, m);
            case ACCEPT -> accept(session, m);
            case REJECT -> reject(session, m);
            case RESPONSE, REQUEST_ERROR -> answer(session, m);
            default -> badInput.reply(session, BadInput.unknownAction(m), "unknown RPC action " + m.action());
        }
    }

    /** Calls in flight, for monitoring. */
    public int callsInFlight() {
        return calls.size();
    }

    @Override
    public void onSessionClosed(Session session) {
        for (String name : session.providedRpcs()) {
            providers.remove(name, session);
        }
        session.providedRpcs().clear();
        for (RpcCall call : calls.values()) {
            synchronized (call) {
                if (call.done) {
                    continue;
                }
                if (call.requestor == session) {
                    end(call); // nobody is left to answer
                } else if (call.provider == session) {
                    if (call.accepted) {
                        finish(call, RpcAction.RESPONSE_TIMEOUT); // no answer can come any more
                    } else {
                        route(call);
                    }
                }
            }
        }
    }

    private void provide(Session session, Message m) {
        for (String name : m.names()) {
            if (session.providedRpcs().add(name)) {
                providers.add(name, session);
            } else {
                session.send(Message.of(RpcAction.MULTIPLE_PROVIDERS).name(name).originalAction(RpcAction.PROVIDE));
            }
        }
        session.send(Message.of(RpcAction.PROVIDE).correlationId(m.correlationId()).isAck(true));
    }

    private void unprovide(Session session, Message m) {
        for (String name : m.names()) {
            if (session.providedRpcs().remove(name)) {
                providers.remove(name, session);
            }
        }
        session.send(Message.of(RpcAction.UNPROVIDE).correlationId(m.correlationId()).isAck(true));
    }

    private void request(Session requestor, Message m) {
        if (!wellFormed(requestor, m)) {
            return;
        }
        RpcCall call = new RpcCall(m, requestor);
        if (calls.putIfAbsent(call.correlationId, call) != null) {
            badInput.reply(requestor, invalidCorrelationId(m), "REQUEST with a correlationId already in flight");
            return;
        }
        synchronized (call) {
            route(call);
        }
    }

    /** Sends the call to a provider not tried yet, or ends it with NO_RPC_PROVIDER. Holds the call's monitor. */
    private void route(RpcCall call) {
        Session provider = pick(call);
        if (provider == null) {
            finish(call, RpcAction.NO_RPC_PROVIDER);
            return;
        }
        call.tried.add(provider);
        call.provider = provider;
        call.accepted = false;
        call.attempt++;
        long now = System.nanoTime();
        call.acceptDeadline = now + settings.acceptTimeout().toNanos();
        call.responseDeadline = now + settings.responseTimeout().toNanos();
        call.timeout.cancel();
        arm(call, Math.min(call.acceptDeadline, call.responseDeadline) - now);
        Message forwarded = Message.of(RpcAction.REQUEST).name(call.name).correlationId(call.correlationId)
                .data(call.request.data());
        if (settings.provideRequestorName()) {
            forwarded.requestorName(call.requestor.userId());
        }
        if (settings.provideRequestorData()) {
            forwarded.requestorData(call.requestor.clientData());
        }
        provider.send(forwarded);
    }

    private Session pick(RpcCall call) {
        Session[] all = providers.subscribers(call.name);
        List<Session> untried = new ArrayList<>(all.length);
        for (Session s : all) {
            if (!call.tried.contains(s)) {
                untried.add(s);
            }
        }
        if (untried.isEmpty()) {
            return null;
        }
        int index = settings.routing() == RpcSettings.Routing.ROUND_ROBIN
                ? Math.floorMod(turns.computeIfAbsent(call.name, n -> new AtomicInteger()).getAndIncrement(), untried.size())
                : ThreadLocalRandom.current().nextInt(untried.size());
        return untried.get(index);
    }

    private void arm(RpcCall call, long delayNanos) {
        int attempt = call.attempt;
        call.timeout = scheduler.schedule(() -> expired(call, attempt), Duration.ofNanos(Math.max(0, delayNanos)));
    }

    private void expired(RpcCall call, int attempt) {
        synchronized (call) {
            if (call.done || call.attempt != attempt) {
                return;
            }
            long now = System.nanoTime();
            if (!call.accepted && now - call.acceptDeadline >= 0) {
                finish(call, RpcAction.ACCEPT_TIMEOUT);
            } else if (now - call.responseDeadline >= 0) {
                finish(call, RpcAction.RESPONSE_TIMEOUT);
            } else {
                arm(call, call.responseDeadline - now);
            }
        }
    }

    private void accept(Session provider, Message m) {
        RpcCall call = callAnsweredBy(provider, m);
        if (call == null) {
            return;
        }
        synchronized (call) {
            if (call.accepted) {
                provider.send(Message.of(RpcAction.MULTIPLE_ACCEPT).name(call.name).correlationId(call.correlationId));
                return;
            }
            call.accepted = true;
            call.requestor.send(Message.of(RpcAction.ACCEPT).name(call.name).correlationId(call.correlationId));
        }
    }

    private void reject(Session provider, Message m) {
        RpcCall call = callAnsweredBy(provider, m);
        if (call == null) {
            return;
        }
        synchronized (call) {
            route(call);
        }
    }

    /** RESPONSE or REQUEST_ERROR: forwarded as it came, and the call is over. A RESPONSE needs no ACCEPT before it. */
    private void answer(Session provider, Message m) {
        if (!wellFormed(provider, m)) {
            return;
        }
        RpcCall call = callAnsweredBy(provider, m);
        if (call == null) {
            return;
        }
        synchronized (call) {
            end(call);
            call.requestor.send(new Message(m.topic(), m.action()).name(call.name).correlationId(call.correlationId)
                    .data(m.data()));
        }
    }

    /** The call this provider may answer, or null after telling it that it may not. */
    private RpcCall callAnsweredBy(Session provider, Message m) {
        RpcCall call = m.correlationId() == null ? null : calls.get(m.correlationId());
        if (call != null) {
            synchronized (call) {
                if (!call.done && call.provider == provider) {
                    return call;
                }
            }
        }
        badInput.reply(provider, invalidCorrelationId(m), "RPC " + RpcAction.of(m.action()) + " for a call this"
                + " connection does not hold");
        return null;
    }

    private void finish(RpcCall call, RpcAction outcome) {
        end(call);
        call.requestor.send(Message.of(outcome).name(call.name).correlationId(call.correlationId));
    }

    private void end(RpcCall call) {
        call.done = true;
        call.timeout.cancel();
        calls.remove(call.correlationId, call);
    }

    private boolean wellFormed(Session session, Message m) {
        if (m.name() == null || m.correlationId() == null) {
            badInput.reply(session, BadInput.missingField(m), "RPC " + RpcAction.of(m.action())
                    + " without name or correlationId");
            return false;
        }
        if (m.data() != null && !JsonText.isValid(m.data())) {
            // relayed unchecked, it would make the receiving client throw while parsing it
            badInput.reply(session, Message.of(RpcAction.INVALID_MESSAGE_DATA).name(m.name())
                    .correlationId(m.correlationId()).originalAction(m.action()).isError(true), "RPC data is not JSON");
            return false;
        }
        return true;
    }

    private static Message invalidCorrelationId(Message m) {
        return Message.of(RpcAction.INVALID_RPC_CORRELATION_ID).name(m.name()).correlationId(m.correlationId())
                .originalAction(m.action()).isError(true);
    }
}
