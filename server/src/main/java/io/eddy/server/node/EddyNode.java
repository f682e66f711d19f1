package io.eddy.server.node;

import io.eddy.protocol.Topic;
import io.eddy.server.auth.AuthChain;
import io.eddy.server.event.EventHandler;
import io.eddy.server.listen.ListenActions;
import io.eddy.server.listen.LocalListenRegistry;
import io.eddy.server.listen.ProviderObserver;
import io.eddy.server.metrics.NodeMetrics;
import io.eddy.server.presence.PresenceHandler;
import io.eddy.server.record.RecordTopic;
import io.eddy.server.rpc.RpcHandler;
import io.eddy.server.storage.RecordStore;
import io.eddy.server.session.BadInput;
import io.eddy.server.session.CloseReason;
import io.eddy.server.session.ProtocolHandler;
import io.eddy.server.session.Session;
import io.eddy.server.session.Sessions;
import io.eddy.server.session.TopicHandler;
import io.eddy.server.subscription.LocalSubscriptionRegistry;
import io.eddy.server.timer.Scheduler;
import io.eddy.server.timer.Timeout;
import io.eddy.server.timer.WheelScheduler;
import org.jboss.logging.Logger;

import java.util.EnumMap;
import java.util.Map;

/**
 * One Eddy server node in plain Java: the protocol handler, the topic handlers and their registries, timers and
 * heartbeat checks. The transport feeds it frames and lifecycle calls; Quarkus only creates it from configuration,
 * so tests can run several nodes in one JVM.
 */
public final class EddyNode implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EddyNode.class);

    private final NodeSettings settings;
    private final Scheduler scheduler;
    private final NodeMetrics metrics = new NodeMetrics();
    private final Sessions sessions = new Sessions();
    private final BadInput badInput = new BadInput(metrics);
    private final LocalListenRegistry eventListening;
    private final RecordTopic recordTopic;
    private final RpcHandler rpc;
    private final ProtocolHandler protocol;
    private final Timeout heartbeatCheck;

    public EddyNode(NodeSettings settings, AuthChain auth, RecordStore store) {
        this.settings = settings;
        this.scheduler = new WheelScheduler("eddy-timer");

        LocalSubscriptionRegistry eventSubscriptions = new LocalSubscriptionRegistry();
        eventListening = new LocalListenRegistry(ListenActions.EVENT, eventSubscriptions, scheduler, settings.listen(),
                ProviderObserver.NONE);
        Map<Topic, TopicHandler> handlers = new EnumMap<>(Topic.class);
        handlers.put(Topic.EVENT, new EventHandler(eventSubscriptions, eventListening, settings.events(), badInput));
        recordTopic = new RecordTopic(store, settings.records(), settings.listen(), scheduler, badInput);
        handlers.put(Topic.RECORD, recordTopic.handler());
        rpc = new RpcHandler(settings.rpc(), scheduler, badInput);
        handlers.put(Topic.RPC, rpc);
        handlers.put(Topic.PRESENCE, new PresenceHandler(badInput));
        LOG.infof("records stored in %s", recordTopic.storeDescription());

        protocol = new ProtocolHandler(settings.connection(), auth, handlers, sessions, scheduler, badInput, metrics);
        heartbeatCheck = scheduler.scheduleAtFixedRate(this::closeSilentSessions, settings.connection().heartbeatInterval());
    }

    public ProtocolHandler protocol() {
        return protocol;
    }

    public Sessions sessions() {
        return sessions;
    }

    public NodeMetrics metrics() {
        return metrics;
    }

    public RecordTopic records() {
        return recordTopic;
    }

    public RpcHandler rpc() {
        return rpc;
    }

    public BadInput badInput() {
        return badInput;
    }

    public NodeSettings settings() {
        return settings;
    }

    /** deepstream's rule: every interval, close what sent nothing at all for more than two intervals. */
    private void closeSilentSessions() {
        long limit = 2 * settings.connection().heartbeatInterval().toNanos();
        long now = System.nanoTime();
        for (Session session : sessions.all()) {
            if (now - session.lastInboundNanos() > limit) {
                LOG.debugf("closing %s: silent for more than two heartbeat intervals", session);
                session.close(CloseReason.HEARTBEAT_TIMEOUT);
            }
        }
    }

    @Override
    public void close() {
        heartbeatCheck.cancel();
        for (Session session : sessions.all()) {
            session.close(CloseReason.SERVER_SHUTDOWN);
        }
        eventListening.close();
        recordTopic.close();
        scheduler.close();
    }
}
