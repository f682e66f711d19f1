package io.eddy.server.storage.postgres;

import io.eddy.server.storage.RecordStore;
import io.eddy.server.storage.StorageException;
import io.eddy.server.storage.StoredRecord;
import io.eddy.server.storage.VersionConflictException;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Records in a PostgreSQL table that any number of Eddy nodes share, created on first use if it is missing:
 * <pre>
 * CREATE TABLE IF NOT EXISTS eddy_records (name text PRIMARY KEY, version integer NOT NULL, data jsonb NOT NULL)
 * </pre>
 * <b>{@code jsonb} or {@code json}.</b> {@code jsonb} (the default) is what operators query and index directly. It
 * stores the value, not the text: a record loads with keys reordered, whitespace and numbers rewritten
 * ({@code 1.0e2} as {@code 100.0}) and duplicate keys dropped — the same data to any JSON reader — and PostgreSQL
 * refuses the string escape {@code \u0000}, so such a write fails with {@link StorageException}. {@link
 * ColumnType#JSON} keeps the exact text clients wrote and accepts every valid JSON text; it can be queried through
 * {@code data::jsonb}. The column type only matters when the store creates the table: statements work on either.
 * <p>
 * <b>Version order.</b> A conditional write is one statement that PostgreSQL's row lock orders among all nodes:
 * {@code INSERT … ON CONFLICT DO NOTHING} when the record must not exist, {@code UPDATE … WHERE version = expected}
 * otherwise. When it changes no row, a second statement reads the stored version for the {@link
 * VersionConflictException}.
 * <p>
 * <b>Durability is PostgreSQL's own.</b> Each write is a transaction of its own, and PostgreSQL acknowledges a commit
 * after it has flushed the commit to its write-ahead log, so a completed write survives a crash of PostgreSQL or of its
 * machine, as long as the server runs with {@code fsync} and {@code synchronous_commit} on (the defaults). The store
 * reads both settings when it first reaches the database and logs a warning when either is off. With asynchronous
 * replication a failover can lose acknowledged writes, as with any PostgreSQL client.
 * <p>
 * <b>Availability.</b> Operations fail with {@link StorageException} when the pool cannot reach the database, and
 * work again once it can; a failed table creation is retried by the next operation. An operation that has not
 * completed within the timeout fails as well; like any write whose reply was lost, it may nevertheless have been
 * committed, which the next conditional write will reveal.
 * <p>
 * The pool belongs to the caller: closing the store does not close it.
 */
public final class PostgresRecordStore implements RecordStore {

    public static final String DEFAULT_TABLE = "eddy_records";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /** The type of the {@code data} column of a table the store creates. */
    public enum ColumnType {
        JSON, JSONB;

        public static ColumnType parse(String text) {
            for (ColumnType type : values()) {
                if (type.name().equalsIgnoreCase(text.strip())) {
                    return type;
                }
            }
            throw new IllegalArgumentException("unknown PostgreSQL column type '" + text + "' (known: jsonb, json)");
        }

        String sql() {
            return name().toLowerCase(Locale.ROOT);
        }
    }


    /** Unquoted identifiers only, optionally schema-qualified: the name is part of the SQL text. */
    private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

    /** A conflicting write re-reads at most this often when the record has meanwhile gone back to the expected version. */
    private static final int MAX_WRITE_ATTEMPTS = 3;

    private static final Logger LOG = Logger.getLogger(PostgresRecordStore.class);

    private final Pool pool;
    private final String endpoint;
    private final String table;
    private final long timeoutMillis;

    private final String createTable;
    private final String select;
    private final String insert;
    private final String update;
    private final String selectVersion;
    private final String delete;

    /** Creation of the table: null before the first operation, retried when it failed. Guarded by this. */
    private Future<Void> tableCreated;
    private volatile boolean closed;

    /**
     * @param pool     the pool; the store runs each statement on whichever connection it lends
     * @param endpoint where PostgreSQL is, for {@link #description()} only (e.g. "127.0.0.1:5432/eddy"; no password)
     */
    public PostgresRecordStore(Pool pool, String endpoint) {
        this(pool, endpoint, DEFAULT_TABLE, ColumnType.JSONB, DEFAULT_TIMEOUT);
    }

    /**
     * @param pool     the pool; the store runs each statement on whichever connection it lends
     * @param endpoint where PostgreSQL is, for {@link #description()} only (e.g. "127.0.0.1:5432/eddy"; no password)
     * @param table    the table's name, an unquoted identifier, optionally schema-qualified ("eddy.records")
     * @param column   the type of the data column if the store creates the table
     * @param timeout  how long an operation may take, including its wait for a connection, before it fails
     */
    public PostgresRecordStore(Pool pool, String endpoint, String table, ColumnType column, Duration timeout) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        if (!TABLE_NAME.matcher(table).matches()) {
            throw new IllegalArgumentException("not a plain (optionally schema-qualified) table name: '" + table + "'");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the timeout must be positive: " + timeout);
        }
        this.table = table;
        this.timeoutMillis = timeout.toMillis();
        createTable = "CREATE TABLE IF NOT EXISTS " + table
                + " (name text PRIMARY KEY, version integer NOT NULL, data " + column.sql() + " NOT NULL)";
        // ::text so that the client sends and receives the JSON as plain text, never as a parsed value; a json value
        // goes into a jsonb column (and back) by assignment cast, so these statements suit either column type
        select = "SELECT version, data::text FROM " + table + " WHERE name = $1";
        insert = "INSERT INTO " + table + " (name, version, data) VALUES ($1, $2, $3::text::json)"
                + " ON CONFLICT (name) DO NOTHING";
        update = "UPDATE " + table + " SET version = $3, data = $4::text::json WHERE name = $1 AND version = $2";
        selectVersion = "SELECT version FROM " + table + " WHERE name = $1";
        delete = "DELETE FROM " + table + " WHERE name = $1";
    }

    @Override
    public String description() {
        return "postgresql (" + endpoint + ", table " + table + ")";
    }

    @Override
    public CompletionStage<StoredRecord> load(String name) {
        return execute("loading '" + name + "'", () -> pool.preparedQuery(select).execute(Tuple.of(name)).map(rows -> {
            if (rows.size() == 0) {
                return null;
            }
            Row row = rows.iterator().next();
            return new StoredRecord(row.getInteger(0), row.getString(1));
        }));
    }

    @Override
    public CompletionStage<Void> store(String name, int expectedVersion, int version, String json) {
        return execute("storing '" + name + "'", () -> write(name, expectedVersion, version, json, 1));
    }

    @Override
    public CompletionStage<Void> delete(String name) {
        return execute("deleting '" + name + "'", () -> pool.preparedQuery(delete).execute(Tuple.of(name)).mapEmpty());
    }

    @Override
    public void close() {
        closed = true;
    }

    private Future<Void> write(String name, int expectedVersion, int version, String json, int attempt) {
        Future<RowSet<Row>> written = expectedVersion == StoredRecord.NO_VERSION
                ? pool.preparedQuery(insert).execute(Tuple.of(name, version, json))
                : pool.preparedQuery(update).execute(Tuple.of(name, expectedVersion, version, json));
        return written.compose(rows -> {
            if (rows.rowCount() == 1) {
                return Future.succeededFuture();
            }
            return pool.preparedQuery(selectVersion).execute(Tuple.of(name)).compose(found -> {
                int stored = found.size() == 0 ? StoredRecord.NO_VERSION : found.iterator().next().getInteger(0);
                if (stored == expectedVersion && attempt < MAX_WRITE_ATTEMPTS) {
                    // changed back (deleted and created again, say) between the two statements: the write may fit now
                    return write(name, expectedVersion, version, json, attempt + 1);
                }
                return Future.failedFuture(new VersionConflictException(name, expectedVersion, stored));
            });
        });
    }

    private <T> CompletionStage<T> execute(String what, Supplier<Future<T>> operation) {
        CompletableFuture<T> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(new StorageException("the record store is closed", null));
            return done;
        }
        tableCreated().compose(ignored -> operation.get()).onComplete(result -> {
            if (result.succeeded()) {
                done.complete(result.result());
            } else if (result.cause() instanceof VersionConflictException conflict) {
                done.completeExceptionally(conflict);
            } else if (refusedData(result.cause())) {
                done.completeExceptionally(StorageException.refused(
                        "postgresql: " + what + " refused: " + result.cause().getMessage(), result.cause()));
            } else {
                done.completeExceptionally(new StorageException(
                        "postgresql: " + what + " failed: " + result.cause().getMessage(), result.cause()));
            }
        });
        return done.orTimeout(timeoutMillis, TimeUnit.MILLISECONDS).handle((value, failure) -> {
            if (failure == null) {
                return value;
            }
            if (failure instanceof TimeoutException) {
                throw new StorageException("postgresql: " + what + " did not complete within " + timeoutMillis + " ms", null);
            }
            throw (RuntimeException) failure; // completed above with StorageException or a version conflict
        });
    }

    private synchronized Future<Void> tableCreated() {
        if (tableCreated == null || tableCreated.failed()) {
            // Nodes that start together would otherwise race inside CREATE TABLE IF NOT EXISTS, which checks for the
            // table and its row type separately from creating them; the lock, held until commit, lets one create
            // while the others wait and then find the table.
            tableCreated = pool.withTransaction(connection -> connection
                            .preparedQuery("SELECT pg_advisory_xact_lock(hashtext($1))").execute(Tuple.of(table))
                            .compose(locked -> connection.query(createTable).execute()))
                    .<Void>mapEmpty()
                    .recover(e -> createdConcurrently(e) ? Future.succeededFuture() : Future.failedFuture(e))
                    .onSuccess(ignored -> warnUnlessDurable());
        }
        return tableCreated;
    }

    /** SQLSTATE class 22, "data exception": the value itself is wrong for the column, e.g. {@code \u0000} in jsonb. */
    private static boolean refusedData(Throwable failure) {
        return failure instanceof PgException pg && pg.getSqlState() != null && pg.getSqlState().startsWith("22");
    }

    /**
     * Something other than an Eddy node (a migration, an older Eddy) may create the table at the same moment without
     * the lock: then this session fails on the catalog's unique index (23505), finds the table (42P07) or its row type
     * (42710) although IF NOT EXISTS found neither. Either way, the table is there.
     */
    private static boolean createdConcurrently(Throwable failure) {
        return failure instanceof PgException pg && ("23505".equals(pg.getSqlState())
                || "42P07".equals(pg.getSqlState()) || "42710".equals(pg.getSqlState()));
    }

    private void warnUnlessDurable() {
        pool.query("SELECT current_setting('fsync'), current_setting('synchronous_commit')").execute().onComplete(result -> {
            if (result.failed()) {
                LOG.debugf("cannot read the durability settings of PostgreSQL at %s: %s", endpoint, result.cause().getMessage());
                return;
            }
            Row row = result.result().iterator().next();
            String fsync = row.getString(0);
            String synchronousCommit = row.getString(1);
            if ("off".equals(fsync) || "off".equals(synchronousCommit)) {
                LOG.warnf("PostgreSQL at %s runs with fsync %s and synchronous_commit %s: record writes it acknowledged"
                        + " can be lost if it crashes; turn both on", endpoint, fsync, synchronousCommit);
            }
        });
    }
}
