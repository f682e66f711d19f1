package io.eddy.server.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Eddy's runtime configuration ({@code eddy.*} in config/application.properties, system properties or environment).
 * Defaults match deepstream's where a deepstream user would expect them. The README's configuration table
 * documents every key.
 */
@ConfigMapping(prefix = "eddy")
public interface EddyConfig {

    Server server();

    Connection connection();

    Auth auth();

    Listen listen();

    Events events();

    Storage storage();

    Records records();

    Rpc rpc();

    interface Server {
        /** Path of the WebSocket endpoint. */
        @WithDefault("/deepstream")
        String path();
    }

    interface Connection {
        /** Clients must send something at least every two intervals; deepstream's heartbeatInterval. */
        @WithDefault("30s")
        Duration heartbeatInterval();

        @WithDefault("180s")
        Duration unauthenticatedClientTimeout();

        @WithDefault("3")
        int maxAuthAttempts();

        /** Largest incoming WebSocket frame in bytes; bigger frames close the connection with 1009. */
        @WithDefault("1048576")
        int maxMessageSize();

        /** Bytes that may wait for a slow client before it is disconnected. */
        @WithDefault("8388608")
        long maxPendingBytes();

        /** Whether a client may negotiate Eddy's multi-message frames (docs/protocol-extensions.md). */
        @WithDefault("true")
        boolean allowMultiMessageFrames();

        /** Messages per second a connection may send (bursts up to a second's worth); faster ones are closed. 0: no limit. */
        @WithDefault("50000")
        int maxMessagesPerSecond();
    }

    interface Auth {
        /** Providers tried in order: {@code open}, {@code file}. */
        @WithDefault("open")
        List<String> providers();

        File file();

        interface File {
            @WithDefault("config/users.yml")
            String path();

            /** PBKDF2 digest as deepstream names it (md5, sha1, sha256, sha512 …), or {@code none} for clear text. */
            @WithDefault("md5")
            String hash();

            @WithDefault("100")
            int iterations();

            @WithDefault("32")
            int keyLength();
        }
    }

    interface Listen {
        @WithDefault("500ms")
        Duration responseTimeout();

        /** How often unprovided subscriptions are offered to listeners again; 1 s or less turns it off. */
        @WithDefault("30s")
        Duration rematchInterval();

        @WithDefault("true")
        boolean shuffleProviders();
    }

    interface Events {
        /** Refuse event data that is not JSON instead of relaying it to clients that would crash on it. */
        @WithDefault("true")
        boolean validateData();
    }

    interface Storage {
        /** Where records are stored: {@code embedded} (SQLite file), {@code redis} or {@code postgres}. */
        @WithDefault("embedded")
        String type();

        Embedded embedded();

        Redis redis();

        Postgres postgres();

        interface Embedded {
            @WithDefault("data/records.db")
            String path();
        }

        /** The Redis connection itself is quarkus.redis.hosts (and the other quarkus.redis.* keys). */
        interface Redis {
            @WithDefault("eddy:record:")
            String keyPrefix();

            @WithDefault("10s")
            Duration timeout();
        }

        interface Postgres {
            /** postgresql://user:password@host:port/database */
            @WithDefault("postgresql://postgres@127.0.0.1:5432/postgres")
            String url();

            @WithDefault("8")
            int maxConnections();

            @WithDefault("eddy_records")
            String table();

            /** jsonb (queryable, normalised) or json (the exact text clients wrote); used when Eddy creates the table */
            @WithDefault("jsonb")
            String columnType();

            @WithDefault("10s")
            Duration timeout();
        }
    }

    interface Records {
        /** Records kept in memory; unsubscribed records beyond it are evicted (they stay in storage). */
        @WithDefault("100000")
        int cacheMaxEntries();

        /** Approximate bytes of record data kept in memory. */
        @WithDefault("268435456")
        long cacheMaxBytes();

        @WithDefault("1024")
        int maxNameLength();

        /** Records whose names start with one of these live in memory only (deepstream's storageExclusionPrefixes). */
        Optional<List<String>> storageExclusionPrefixes();

        /** How long loading a record from storage may take (deepstream's storageRetrievalTimeout). */
        @WithDefault("2s")
        Duration storageTimeout();

        /** Threads that own records; 0 means one per CPU core (at least two). */
        @WithDefault("0")
        int shards();
    }

    interface Rpc {
        /** Time a provider has to accept a request (deepstream's rpc.ackTimeout). */
        @WithDefault("1s")
        Duration acceptTimeout();

        /** Time from a request reaching a provider to its response (deepstream's rpc.responseTimeout). */
        @WithDefault("10s")
        Duration responseTimeout();

        @WithDefault("false")
        boolean provideRequestorName();

        @WithDefault("false")
        boolean provideRequestorData();

        /** How a provider is chosen among those not tried yet: {@code random} or {@code round-robin}. */
        @WithDefault("random")
        String routing();
    }
}
