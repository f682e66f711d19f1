package io.eddy.server.storage.embedded;

import io.eddy.server.storage.RecordStore;
import io.eddy.server.storage.StorageException;
import io.eddy.server.storage.StoredRecord;
import io.eddy.server.storage.VersionConflictException;
import org.jboss.logging.Logger;
import org.sqlite.SQLiteDataSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The embedded default: one SQLite database file in WAL mode with {@code synchronous=FULL}, so a completed write has
 * been fsync'd and survives a crash of the process or of the machine.
 * <p>
 * SQLite allows one writer at a time, and an fsync per write would cap throughput at the disk's sync rate, so all
 * writes go through one writer thread that commits whatever has queued up as one transaction — one fsync for the
 * whole batch (group commit). Loads run on their own connection and thread: WAL readers never wait for the writer.
 */
public final class SqliteRecordStore implements RecordStore {

    private static final Logger LOG = Logger.getLogger(SqliteRecordStore.class);
    private static final int MAX_BATCH = 1024;
    private static final long MAX_BATCH_BYTES = 16L * 1024 * 1024;

    private sealed interface Op permits Store, Delete, Load {
    }

    private record Store(String name, int expected, int version, String json, CompletableFuture<Void> done) implements Op {
    }

    private record Delete(String name, CompletableFuture<Void> done) implements Op {
    }

    private record Load(String name, CompletableFuture<StoredRecord> done) implements Op {
    }

    private static final Op STOP = new Delete("", null);

    private final Path file;
    private final BlockingQueue<Op> writes = new LinkedBlockingQueue<>();
    private final BlockingQueue<Op> reads = new LinkedBlockingQueue<>();
    private final Thread writer;
    private final Thread reader;
    private volatile boolean closed;

    public SqliteRecordStore(Path file) {
        this.file = file.toAbsolutePath();
        try {
            Files.createDirectories(this.file.getParent());
        } catch (IOException e) {
            throw new StorageException("cannot create the data directory " + this.file.getParent(), e);
        }
        Connection writeConnection = connect();
        Connection readConnection = connect();
        writer = new Thread(() -> writeLoop(writeConnection), "eddy-store-writer");
        reader = new Thread(() -> readLoop(readConnection), "eddy-store-reader");
        writer.setDaemon(true);
        reader.setDaemon(true);
        writer.start();
        reader.start();
    }

    @Override
    public String description() {
        return "embedded SQLite (" + file + ")";
    }

    @Override
    public CompletionStage<StoredRecord> load(String name) {
        CompletableFuture<StoredRecord> done = new CompletableFuture<>();
        submit(reads, new Load(name, done), done);
        return done;
    }

    @Override
    public CompletionStage<Void> store(String name, int expectedVersion, int version, String json) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        submit(writes, new Store(name, expectedVersion, version, json, done), done);
        return done;
    }

    @Override
    public CompletionStage<Void> delete(String name) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        submit(writes, new Delete(name, done), done);
        return done;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        writes.add(STOP);
        reads.add(STOP);
        try {
            writer.join(TimeUnit.SECONDS.toMillis(10));
            reader.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void submit(BlockingQueue<Op> queue, Op op, CompletableFuture<?> done) {
        if (closed) {
            done.completeExceptionally(new StorageException("the record store is closed", null));
            return;
        }
        queue.add(op);
        if (closed) {
            // raced with close(): the loop may already have drained its queue for the last time
            failRemaining(queue);
        }
    }

    private Connection connect() {
        try {
            // the data source rather than DriverManager: a JDBC driver registered by one class loader is invisible to
            // the next, and Quarkus tests start the application in fresh class loaders
            SQLiteDataSource source = new SQLiteDataSource();
            source.setUrl("jdbc:sqlite:" + file);
            Connection c = source.getConnection();
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=FULL");
                s.execute("PRAGMA busy_timeout=10000");
                s.execute("CREATE TABLE IF NOT EXISTS records (name TEXT PRIMARY KEY, version INTEGER NOT NULL,"
                        + " data TEXT NOT NULL)");
            }
            return c;
        } catch (SQLException e) {
            throw new StorageException("cannot open the record database " + file, e);
        }
    }

    private void writeLoop(Connection c) {
        try (c;
             PreparedStatement insert = c.prepareStatement(
                     "INSERT INTO records(name, version, data) VALUES (?, ?, ?) ON CONFLICT(name) DO NOTHING");
             PreparedStatement update = c.prepareStatement(
                     "UPDATE records SET version = ?, data = ? WHERE name = ? AND version = ?");
             PreparedStatement delete = c.prepareStatement("DELETE FROM records WHERE name = ?");
             PreparedStatement version = c.prepareStatement("SELECT version FROM records WHERE name = ?")) {
            c.setAutoCommit(false);
            List<Op> batch = new ArrayList<>();
            List<Runnable> outcomes = new ArrayList<>();
            while (true) {
                Op first = writes.take();
                if (first == STOP) {
                    break;
                }
                batch.add(first);
                long bytes = size(first);
                Op next;
                while (batch.size() < MAX_BATCH && bytes < MAX_BATCH_BYTES && (next = writes.peek()) != null && next != STOP) {
                    batch.add(writes.poll());
                    bytes += size(next);
                }
                try {
                    for (Op op : batch) {
                        outcomes.add(apply(op, insert, update, delete, version));
                    }
                    c.commit();
                    outcomes.forEach(Runnable::run);
                } catch (SQLException e) {
                    LOG.errorf(e, "committing %d record writes failed", batch.size());
                    rollback(c);
                    StorageException failure = new StorageException("record storage write failed: " + e.getMessage(), e);
                    for (Op op : batch) {
                        fail(op, failure);
                    }
                }
                batch.clear();
                outcomes.clear();
            }
        } catch (SQLException e) {
            LOG.error("record store writer stopped", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            failRemaining(writes);
        }
    }

    /** Runs one write inside the batch transaction; the returned action completes its future after the commit. */
    private Runnable apply(Op op, PreparedStatement insert, PreparedStatement update, PreparedStatement delete,
                           PreparedStatement version) throws SQLException {
        if (op instanceof Delete d) {
            delete.setString(1, d.name());
            delete.executeUpdate();
            return () -> d.done().complete(null);
        }
        Store s = (Store) op;
        int changed;
        if (s.expected() == StoredRecord.NO_VERSION) {
            insert.setString(1, s.name());
            insert.setInt(2, s.version());
            insert.setString(3, s.json());
            changed = insert.executeUpdate();
        } else {
            update.setInt(1, s.version());
            update.setString(2, s.json());
            update.setString(3, s.name());
            update.setInt(4, s.expected());
            changed = update.executeUpdate();
        }
        if (changed == 1) {
            return () -> s.done().complete(null);
        }
        version.setString(1, s.name());
        int stored;
        try (ResultSet rs = version.executeQuery()) {
            stored = rs.next() ? rs.getInt(1) : StoredRecord.NO_VERSION;
        }
        VersionConflictException conflict = new VersionConflictException(s.name(), s.expected(), stored);
        return () -> s.done().completeExceptionally(conflict);
    }

    private void readLoop(Connection c) {
        try (c; PreparedStatement select = c.prepareStatement("SELECT version, data FROM records WHERE name = ?")) {
            while (true) {
                Op op = reads.take();
                if (op == STOP) {
                    break;
                }
                Load load = (Load) op;
                try {
                    select.setString(1, load.name());
                    try (ResultSet rs = select.executeQuery()) {
                        load.done().complete(rs.next() ? new StoredRecord(rs.getInt(1), rs.getString(2)) : null);
                    }
                } catch (SQLException e) {
                    load.done().completeExceptionally(new StorageException("loading '" + load.name() + "' failed", e));
                }
            }
        } catch (SQLException e) {
            LOG.error("record store reader stopped", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            failRemaining(reads);
        }
    }

    private static long size(Op op) {
        return op instanceof Store s ? s.json().length() : 64;
    }

    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            LOG.error("rollback failed", e);
        }
    }

    private static void fail(Op op, RuntimeException failure) {
        if (op instanceof Store s) {
            s.done().completeExceptionally(failure);
        } else if (op instanceof Delete d && d.done() != null) {
            d.done().completeExceptionally(failure);
        } else if (op instanceof Load l) {
            l.done().completeExceptionally(failure);
        }
    }

    private static void failRemaining(BlockingQueue<Op> queue) {
        StorageException closedFailure = new StorageException("the record store is closed", null);
        Op op;
        while ((op = queue.poll()) != null) {
            fail(op, closedFailure);
        }
    }
}
