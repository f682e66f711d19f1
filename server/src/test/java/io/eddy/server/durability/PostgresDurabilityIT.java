package io.eddy.server.durability;

import io.eddy.server.testing.EddyProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * PostgreSQL store (the machine's server at 127.0.0.1:5432, database test): SIGKILL right after the
 * acknowledgements, start again, every acknowledged write is there. The test uses a table of its own.
 */
class PostgresDurabilityIT {

    private static final String URL = "postgresql://postgres@127.0.0.1:5432/test";

    @TempDir
    Path dir;
    private final String table = "eddy_it_" + UUID.randomUUID().toString().replace("-", "");

    @Test
    void acknowledgedWritesSurviveSigkill() throws Exception {
        Map<String, String> props = Map.of("eddy.storage.type", "postgres",
                "eddy.storage.postgres.url", URL,
                "eddy.storage.postgres.table", table);
        DurabilityScenario.run(() -> new EddyProcess(dir, props));
    }

    @AfterEach
    void dropTable() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            Pool pool = PgBuilder.pool().using(vertx)
                    .connectingTo(new PgConnectOptions().setHost("127.0.0.1").setPort(5432).setDatabase("test")
                            .setUser("postgres"))
                    .build();
            pool.query("DROP TABLE IF EXISTS " + table).execute().toCompletionStage().toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            pool.close();
        } finally {
            vertx.close();
        }
    }
}
