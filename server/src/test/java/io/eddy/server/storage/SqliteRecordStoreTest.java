package io.eddy.server.storage;

import io.eddy.server.storage.embedded.SqliteRecordStore;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

class SqliteRecordStoreTest extends RecordStoreContract {

    @TempDir
    Path dir;

    @Override
    protected RecordStore open() {
        return new SqliteRecordStore(dir.resolve("data/records.db"));
    }

    @Override
    protected RecordStore reopen() {
        return open();
    }
}
