package io.eddy.server.node;

import io.eddy.server.auth.AuthChain;
import io.eddy.server.auth.AuthProvider;
import io.eddy.server.auth.FileAuthProvider;
import io.eddy.server.auth.OpenAuthProvider;
import io.eddy.server.auth.PasswordHash;
import io.eddy.server.config.EddyConfig;
import io.eddy.server.event.EventSettings;
import io.eddy.server.listen.ListenSettings;
import io.eddy.server.record.RecordSettings;
import io.eddy.server.rpc.RpcSettings;
import io.eddy.server.storage.RecordStore;
import io.eddy.server.storage.embedded.SqliteRecordStore;
import io.eddy.server.storage.postgres.PostgresRecordStore;
import io.eddy.server.storage.redis.RedisRecordStore;
import io.vertx.redis.client.Redis;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import io.eddy.server.session.ConnectionSettings;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Builds the node from configuration at startup, so that a bad configuration stops the server at once. */
@ApplicationScoped
public class NodeProducer {

    private static final Logger LOG = Logger.getLogger(NodeProducer.class);

    /** PBKDF2 and other blocking auth work; never the event loops. */
    private final ExecutorService authExecutor = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "eddy-auth");
        t.setDaemon(true);
        return t;
    });

    /** Resolved only when the matching store is configured: the clients need their connection settings. */
    @Inject
    Instance<Redis> redis;

    @Inject
    Vertx vertx;

    @Produces
    @Singleton
    EddyNode node(EddyConfig config) {
        NodeSettings settings = new NodeSettings(
                new ConnectionSettings(config.connection().heartbeatInterval(),
                        config.connection().unauthenticatedClientTimeout(), config.connection().maxAuthAttempts(),
                        config.connection().allowMultiMessageFrames(), config.connection().maxMessagesPerSecond()),
                new ListenSettings(config.listen().responseTimeout(), config.listen().rematchInterval(),
                        config.listen().shuffleProviders()),
                new EventSettings(config.events().validateData()),
                recordSettings(config.records()),
                new RpcSettings(config.rpc().acceptTimeout(), config.rpc().responseTimeout(),
                        config.rpc().provideRequestorName(), config.rpc().provideRequestorData(),
                        routing(config.rpc().routing())));
        AuthChain auth = new AuthChain(providers(config.auth()));
        LOG.infof("auth providers: %s", auth.providers().stream().map(AuthProvider::name).toList());
        return new EddyNode(settings, auth, store(config.storage()));
    }

    void close(@Disposes EddyNode node) {
        node.close();
        authExecutor.shutdownNow();
    }

    void startEagerly(@Observes StartupEvent event, EddyNode node) {
        node.sessions(); // creating the node here surfaces configuration errors at startup, not at first connect
    }

    private static RpcSettings.Routing routing(String routing) {
        return switch (routing.trim().toLowerCase(Locale.ROOT)) {
            case "random" -> RpcSettings.Routing.RANDOM;
            case "round-robin", "round_robin", "roundrobin" -> RpcSettings.Routing.ROUND_ROBIN;
            default -> throw new IllegalArgumentException("unknown eddy.rpc.routing '" + routing
                    + "' (known: random, round-robin)");
        };
    }

    private static RecordSettings recordSettings(EddyConfig.Records config) {
        int shards = config.shards() > 0 ? config.shards() : Math.max(2, Runtime.getRuntime().availableProcessors());
        return new RecordSettings(config.cacheMaxEntries(), config.cacheMaxBytes(), config.maxNameLength(),
                config.storageExclusionPrefixes().orElse(List.of()), config.storageTimeout(), shards);
    }

    private RecordStore store(EddyConfig.Storage config) {
        return switch (config.type().trim().toLowerCase(Locale.ROOT)) {
            case "embedded" -> new SqliteRecordStore(Path.of(config.embedded().path()));
            case "redis" -> new RedisRecordStore(redis.get(), setting("quarkus.redis.hosts"),
                    config.redis().keyPrefix(), config.redis().timeout());
            case "postgres" -> {
                PgConnectOptions connect = PgConnectOptions.fromUri(config.postgres().url());
                Pool pool = PgBuilder.pool().using(vertx)
                        .with(new PoolOptions().setMaxSize(config.postgres().maxConnections()))
                        .connectingTo(connect).build();
                yield new PostgresRecordStore(pool, connect.getHost() + ":" + connect.getPort() + "/" + connect.getDatabase(),
                        config.postgres().table(), PostgresRecordStore.ColumnType.parse(config.postgres().columnType()),
                        config.postgres().timeout());
            }
            default -> throw new IllegalArgumentException("unknown eddy.storage.type '" + config.type()
                    + "' (known: embedded, redis, postgres)");
        };
    }

    private static String setting(String key) {
        return ConfigProvider.getConfig().getOptionalValue(key, String.class)
                .orElseThrow(() -> new IllegalStateException(key + " must be set for this eddy.storage.type"));
    }

    private List<AuthProvider> providers(EddyConfig.Auth config) {
        List<AuthProvider> providers = new ArrayList<>();
        for (String name : config.providers()) {
            switch (name.trim().toLowerCase(Locale.ROOT)) {
                case "open", "none" -> providers.add(new OpenAuthProvider());
                case "file" -> {
                    EddyConfig.Auth.File file = config.file();
                    PasswordHash hash = new PasswordHash(file.hash(), file.iterations(), file.keyLength());
                    providers.add(FileAuthProvider.load(Path.of(file.path()), hash, authExecutor));
                }
                default -> throw new IllegalArgumentException("unknown auth provider '" + name
                        + "' in eddy.auth.providers (known: open, file)");
            }
        }
        return providers;
    }
}
