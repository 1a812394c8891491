package nl.regie.benchmarks.history;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;

import nl.regie.runtime.testing.PostgresCluster;

/**
 * The candidates by name, and where each keeps a store: a folder for the embedded ones (as the history bundle
 * would keep it in the state folder), a database of the throwaway cluster for PostgreSQL.
 */
final class Candidates {

    /** Every candidate {@code --store all} runs, embedded first. */
    static final List<String> ALL = List.of("sqlite", "duckdb", "h2", "postgres");
    /** Layouts worth a look beside the candidates, run only when named. */
    static final List<String> VARIANTS = List.of("sqlite-rowid", "duckdb-plain");

    private Candidates() {
    }

    /** Opens the store {@code name} at {@code location} (a folder, or a JDBC URL for PostgreSQL). */
    static HistoryStore open(String name, String location) throws SQLException {
        return switch (name) {
            case "sqlite" -> SqliteStore.open(Path.of(location));
            case "sqlite-rowid" -> SqliteStore.openRowid(Path.of(location));
            case "duckdb" -> DuckDbStore.open(Path.of(location));
            case "duckdb-plain" -> DuckDbStore.openPlain(Path.of(location));
            case "h2" -> H2Store.open(Path.of(location));
            case "postgres" -> PostgresStore.open(location);
            default -> throw new IllegalArgumentException("unknown store '" + name + "': one of " + ALL + " or "
                    + VARIANTS);
        };
    }

    /** A new, empty location for {@code name}: a fresh folder under {@code root}, or a new database. */
    static String fresh(String name, Path root, PostgresCluster cluster) throws IOException, SQLException {
        if (name.equals("postgres")) {
            if (cluster == null) {
                throw new IllegalStateException("postgres needs the cluster");
            }
            return cluster.newDatabase();
        }
        Files.createDirectories(root);
        return Files.createTempDirectory(root, name + "-").toString();
    }

    /** Bytes a closed store takes: its folder, or for PostgreSQL its tables and their indexes. */
    static long diskBytes(String name, String location) throws IOException, SQLException {
        if (name.equals("postgres")) {
            try (HistoryStore store = open(name, location)) {
                return store.diskBytes();
            }
        }
        return JdbcStore.folderBytes(Path.of(location));
    }

    /** Removes a location made by {@link #fresh}. */
    static void remove(String name, String location, PostgresCluster cluster) throws IOException, SQLException {
        if (name.equals("postgres")) {
            cluster.dropDatabase(location);
        } else {
            try (var files = Files.walk(Path.of(location))) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
