package nl.regie.runtime.history;

import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

/** The store contract on DuckDB, in a file in a temporary folder. */
class DuckDbStoreContractTest extends StoreContractTest {

    @TempDir
    Path dir;

    @Override
    protected Store open() throws Exception {
        return HistoryStore.open(dir.resolve("history.duckdb"), new HistoryStore.Settings(64, 1), CLOCK, warnings::add);
    }
}
