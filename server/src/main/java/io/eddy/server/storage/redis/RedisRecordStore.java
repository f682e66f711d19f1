package io.eddy.server.storage.redis;

import io.eddy.server.storage.RecordStore;
import io.eddy.server.storage.StorageException;
import io.eddy.server.storage.StoredRecord;
import io.eddy.server.storage.VersionConflictException;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Records in a Redis that any number of Eddy nodes share.
 * <p>
 * <b>Layout.</b> One hash per record at {@code prefix + name} (prefix {@value #DEFAULT_PREFIX} by default) with two
 * fields: {@code v}, the version as decimal text, and {@code d}, the JSON text as stored. One {@code HMGET} reads both,
 * so a load never sees the version of one write with the data of another.
 * <p>
 * <b>Version order.</b> A conditional write is one Lua script ({@link #STORE_SCRIPT}) that compares the stored version
 * and writes. Redis runs a script to the end before it runs any other command, so the check and the write cannot be
 * separated by another node's write: every node sharing the Redis sees one order of versions. The script is sent by
 * its SHA1 ({@code EVALSHA}), and in full ({@code EVAL}, which caches it again) when Redis answers {@code NOSCRIPT},
 * as it does after a restart or a {@code SCRIPT FLUSH}.
 * <p>
 * <b>Durability is Redis's own.</b> A completed write has been executed by Redis. It survives a crash of Redis (or of
 * its machine) only if Redis runs with {@code appendonly yes} and {@code appendfsync always}: then Redis fsyncs its
 * append-only file before it replies. With the default {@code appendfsync everysec} up to about a second of
 * acknowledged writes can be lost, and Redis 7.0 has no {@code WAITAOF} to ask for the fsync per write. The store
 * reads both settings whenever it connects and logs a warning when they are weaker. Replication is asynchronous: a
 * failover to a replica can lose writes the old primary acknowledged.
 * <p>
 * <b>Connection.</b> All commands are pipelined over one connection taken from the client's pool: Redis executes
 * commands one at a time, so more connections would not make it faster. At most {@value #MAX_IN_FLIGHT} commands are
 * on that connection at once, below the client's default limit of 2048 unanswered commands ({@code
 * maxWaitingHandlers}), so that a burst waits here instead of failing. When the connection is lost, its unanswered
 * commands fail and the next operation connects again: operations fail with {@link StorageException} while Redis is
 * down and work again once it is back. An operation that has not completed within the timeout fails as well; like any
 * write whose reply was lost, it may nevertheless have been applied, which the next conditional write will reveal.
 * <p>
 * The Redis client belongs to the caller: closing the store returns its connection to the pool but does not close
 * the client.
 */
public final class RedisRecordStore implements RecordStore {

    public static final String DEFAULT_PREFIX = "eddy:record:";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /**
     * KEYS[1] is the record's hash; ARGV are the expected version (-1: the record must not exist), the new version and
     * the JSON text. Replies OK when it wrote, otherwise the stored version (-1: none). Versions are compared as the
     * decimal text that both this script and Java's Integer.toString produce.
     */
    static final String STORE_SCRIPT = """
            local stored = redis.call('HGET', KEYS[1], 'v') or '-1'
            if stored ~= ARGV[1] then
              return tonumber(stored)
            end
            redis.call('HSET', KEYS[1], 'v', ARGV[2], 'd', ARGV[3])
            return redis.status_reply('OK')
            """;

    static final int MAX_IN_FLIGHT = 1024;

    private static final Logger LOG = Logger.getLogger(RedisRecordStore.class);

    private record Operation<T>(String what, Function<RedisConnection, Future<Response>> command,
                                Function<Response, T> result, CompletableFuture<T> done) {
    }

    private final Redis redis;
    private final String endpoint;
    private final String prefix;
    private final long timeoutMillis;
    private final String storeScriptSha = sha1(STORE_SCRIPT);

    private final Queue<Operation<?>> backlog = new ConcurrentLinkedQueue<>();
    private final AtomicInteger permits = new AtomicInteger(MAX_IN_FLIGHT);
    private final AtomicInteger drainRequests = new AtomicInteger();

    /** The connection in use or being opened; null when the next operation must connect. Guarded by this. */
    private Future<RedisConnection> connection;
    private volatile boolean closed;

    /**
     * @param redis    the client; the store takes one connection from its pool
     * @param endpoint where Redis is, for {@link #description()} only (e.g. "127.0.0.1:6379"; no password)
     */
    public RedisRecordStore(Redis redis, String endpoint) {
        this(redis, endpoint, DEFAULT_PREFIX, DEFAULT_TIMEOUT);
    }

    /**
     * @param redis    the client; the store takes one connection from its pool
     * @param endpoint where Redis is, for {@link #description()} only (e.g. "127.0.0.1:6379"; no password)
     * @param prefix   prepended to record names to make keys, so that Eddy's keys do not collide with others'
     * @param timeout  how long an operation may take, including its wait for a connection, before it fails
     */
    public RedisRecordStore(Redis redis, String endpoint, String prefix, Duration timeout) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the timeout must be positive: " + timeout);
        }
        this.timeoutMillis = timeout.toMillis();
    }

    @Override
    public String description() {
        return "redis (" + endpoint + ", prefix " + prefix + ")";
    }

    @Override
    public CompletionStage<StoredRecord> load(String name) {
        String key = key(name);
        return execute("loading '" + name + "'",
                c -> c.send(Request.cmd(Command.HMGET).arg(key).arg("v").arg("d")),
                reply -> {
                    Response version = reply.get(0);
                    return version == null ? null : new StoredRecord(version.toInteger(), reply.get(1).toString());
                });
    }

    @Override
    public CompletionStage<Void> store(String name, int expectedVersion, int version, String json) {
        String key = key(name);
        return execute("storing '" + name + "'",
                c -> c.send(script(Command.EVALSHA, storeScriptSha, key, expectedVersion, version, json))
                        .recover(e -> isNoScript(e)
                                ? c.send(script(Command.EVAL, STORE_SCRIPT, key, expectedVersion, version, json))
                                : Future.failedFuture(e)),
                reply -> {
                    if (reply.type() == ResponseType.NUMBER) {
                        throw new VersionConflictException(name, expectedVersion, reply.toInteger());
                    }
                    return null;
                });
    }

    @Override
    public CompletionStage<Void> delete(String name) {
        String key = key(name);
        return execute("deleting '" + name + "'", c -> c.send(Request.cmd(Command.DEL).arg(key)), reply -> null);
    }

    @Override
    public void close() {
        Future<RedisConnection> held;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            held = connection;
            connection = null;
        }
        failBacklog();
        if (held != null) {
            // back to the pool; commands already sent on it still get their replies
            held.onSuccess(RedisRecordStore::giveBack);
        }
    }

    private String key(String name) {
        return prefix + name;
    }

    private static Request script(Command command, String script, String key, int expectedVersion, int version,
                                  String json) {
        return Request.cmd(command).arg(script).arg(1).arg(key).arg(expectedVersion).arg(version).arg(json);
    }

    private static boolean isNoScript(Throwable failure) {
        return isErrorReply(failure) && failure.getMessage() != null && failure.getMessage().startsWith("NOSCRIPT");
    }

    /** Whether a failure means the connection is unusable, rather than Redis answering a command with an error. */
    private static boolean isConnectionFailure(Throwable failure) {
        // the client fails unanswered commands of a lost connection with this pseudo reply
        return !isErrorReply(failure) || "CONNECTION_CLOSED".equals(failure.getMessage());
    }

    private static boolean isErrorReply(Throwable failure) {
        return failure instanceof Response reply && reply.type() == ResponseType.ERROR;
    }

    private <T> CompletionStage<T> execute(String what, Function<RedisConnection, Future<Response>> command,
                                           Function<Response, T> result) {
        CompletableFuture<T> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(closedFailure());
            return done;
        }
        backlog.add(new Operation<>(what, command, result, done));
        drain();
        if (closed) {
            // raced with close(), which may already have failed the backlog for the last time
            failBacklog();
        }
        return done.orTimeout(timeoutMillis, TimeUnit.MILLISECONDS).handle((value, failure) -> {
            if (failure == null) {
                return value;
            }
            if (failure instanceof TimeoutException) {
                throw new StorageException("redis: " + what + " did not complete within " + timeoutMillis + " ms", null);
            }
            throw (RuntimeException) failure; // complete() fails operations with StorageException or a version conflict
        });
    }

    /**
     * Sends waiting operations while permits last. Whoever adds an operation or returns a permit calls this, and only
     * one thread drains at a time (the others leave a request to look again), so no operation is left waiting next to
     * a free permit and completions that arrive while draining do not recurse.
     */
    private void drain() {
        if (drainRequests.getAndIncrement() != 0) {
            return;
        }
        int requests = 1;
        do {
            while (!backlog.isEmpty() && acquire()) {
                Operation<?> op = backlog.poll();
                if (op == null) {
                    permits.incrementAndGet();
                } else {
                    dispatch(op);
                }
            }
            requests = drainRequests.addAndGet(-requests);
        } while (requests != 0);
    }

    private boolean acquire() {
        int available;
        do {
            available = permits.get();
            if (available == 0) {
                return false;
            }
        } while (!permits.compareAndSet(available, available - 1));
        return true;
    }

    private <T> void dispatch(Operation<T> op) {
        if (op.done().isDone()) {
            // timed out while waiting here: do not send a write its caller has been told failed
            permits.incrementAndGet();
            return;
        }
        Future<Response> reply;
        try {
            reply = connection().compose(c -> op.command().apply(c).onFailure(failure -> {
                if (isConnectionFailure(failure)) {
                    forget(c);
                }
            }));
        } catch (RuntimeException e) {
            // the permit must come back whatever happens, or the store would stall once all are gone
            reply = Future.failedFuture(e);
        }
        reply.onComplete(result -> {
            permits.incrementAndGet();
            drain();
            complete(op, result);
        });
    }

    private static <T> void complete(Operation<T> op, AsyncResult<Response> reply) {
        if (reply.failed()) {
            Throwable cause = reply.cause();
            op.done().completeExceptionally(cause instanceof StorageException storage ? storage
                    : new StorageException("redis: " + op.what() + " failed: " + cause.getMessage(), cause));
            return;
        }
        try {
            op.done().complete(op.result().apply(reply.result()));
        } catch (VersionConflictException conflict) {
            op.done().completeExceptionally(conflict);
        } catch (RuntimeException e) {
            op.done().completeExceptionally(new StorageException(
                    "redis: " + op.what() + " got an unexpected reply: " + reply.result(), e));
        }
    }

    private synchronized Future<RedisConnection> connection() {
        if (closed) {
            return Future.failedFuture(closedFailure());
        }
        if (connection == null) {
            Future<RedisConnection> connecting = redis.connect();
            connection = connecting;
            connecting.onComplete(result -> connected(connecting, result));
        }
        return connection;
    }

    private void connected(Future<RedisConnection> connecting, AsyncResult<RedisConnection> result) {
        if (result.failed()) {
            synchronized (this) {
                if (connection == connecting) {
                    connection = null;
                }
            }
            return;
        }
        RedisConnection c = result.result();
        c.endHandler(ignored -> forget(c));
        c.exceptionHandler(ignored -> forget(c));
        warnUnlessDurable(c);
    }

    /** Stops using a connection that was lost, so that the next operation connects again. */
    private void forget(RedisConnection c) {
        synchronized (this) {
            if (connection != null && connection.succeeded() && connection.result() == c) {
                connection = null;
            }
        }
        giveBack(c);
    }

    /** Returns a connection to the pool, which discards it if it is closed. */
    private static void giveBack(RedisConnection c) {
        c.endHandler(null);
        c.exceptionHandler(null);
        c.close();
    }

    private void warnUnlessDurable(RedisConnection c) {
        c.send(Request.cmd(Command.CONFIG).arg("GET").arg("appendonly").arg("appendfsync")).onComplete(reply -> {
            if (reply.failed()) {
                // managed Redis services often disable CONFIG
                LOG.debugf("cannot read the persistence settings of Redis at %s: %s", endpoint, reply.cause().getMessage());
                return;
            }
            Response appendonly = reply.result().get("appendonly");
            Response appendfsync = reply.result().get("appendfsync");
            if (appendonly == null || appendfsync == null
                    || !"yes".equals(appendonly.toString()) || !"always".equals(appendfsync.toString())) {
                LOG.warnf("Redis at %s runs with appendonly %s and appendfsync %s: record writes it acknowledged can be lost"
                        + " if it crashes; run it with appendonly yes and appendfsync always", endpoint, appendonly, appendfsync);
            }
        });
    }

    private void failBacklog() {
        Operation<?> op;
        while ((op = backlog.poll()) != null) {
            op.done().completeExceptionally(closedFailure());
        }
    }

    private static StorageException closedFailure() {
        return new StorageException("the record store is closed", null);
    }

    private static String sha1(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-1", e);
        }
    }
}
