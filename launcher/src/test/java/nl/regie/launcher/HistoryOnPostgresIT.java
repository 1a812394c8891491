package nl.regie.launcher;

import static nl.regie.launcher.HttpApi.await;
import static nl.regie.launcher.HttpApi.json;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;

import nl.regie.runtime.testing.PostgresCluster;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The launcher with the history in PostgreSQL, configured as an integrator does it: {@code store = postgresql} and the
 * database's url in {@code config/nl.regie.runtime.history.cfg}. The simulated city's readings reach the database
 * (counted there, over JDBC), DuckDB is never opened, and {@code /health} says which store keeps them. Needs Debian's
 * PostgreSQL (a throwaway cluster); skipped without it, failed without it on CI. And a config file that names no store
 * keeps the history in DuckDB, as before.
 */
class HistoryOnPostgresIT {

    @Test
    void theSimulatedCitysReadingsAreKeptInPostgresqlAndHealthSaysSo() throws Exception {
        PostgresCluster.assumeInstalled();
        try (PostgresCluster cluster = PostgresCluster.start()) {
            String url = cluster.newDatabase();
            Path workingDir = TempFolders.create("regie-history-pg");
            Path config = Files.createDirectories(workingDir.resolve("config"));
            Files.writeString(config.resolve("nl.regie.runtime.history.cfg"), "store = postgresql\nurl = " + url + "\n");
            int port = freePort();
            try (LauncherProcess regie = LauncherProcess.start(workingDir, "--http-port", Integer.toString(port),
                    "--mqtt-port", Integer.toString(freePort()), "--simulator-devices", "10", "--plugins",
                    Files.createDirectories(workingDir.resolve("plugins")).toString(), "--config-dir",
                    config.toString(), "--state-dir", workingDir.resolve("state").toString())) {
                regie.awaitStdout(line -> line.startsWith("Regie ready"), Duration.ofSeconds(60));
                HttpApi api = new HttpApi(port, regie.operatorToken());

                JsonNode[] last = new JsonNode[1];
                JsonNode history;
                try {
                    history = await("the history in PostgreSQL, writing", Duration.ofSeconds(60), () -> {
                        JsonNode h = json(api.get("/health"), 200).path("history");
                        last[0] = h;
                        return h.path("store").asText().startsWith("PostgreSQL ") && h.path("written").asLong() > 0
                                ? Optional.of(h) : Optional.empty();
                    });
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + "; the history's health: " + last[0] + "; stdout: "
                            + regie.stdout(), e);
                }
                assertTrue(history.path("store").asText().contains("plain tables")
                        || history.path("store").asText().contains("TimescaleDB"), history.toString());
                assertTrue(!history.path("behind").asBoolean(), history.toString());
                long written = history.path("written").asLong();
                try (Connection connection = DriverManager.getConnection(url);
                        Statement statement = connection.createStatement();
                        ResultSet count = statement.executeQuery("SELECT count(*) FROM regie_history.reading")) {
                    count.next();
                    assertTrue(count.getLong(1) >= written, count.getLong(1) + " rows, " + written + " written");
                }
                assertTrue(!Files.exists(workingDir.resolve("state/history/history.duckdb")),
                        "DuckDB was never opened: " + regie.stdout().stream().filter(l -> l.contains("istory")).toList());
            }
        }
    }

    @Test
    void withAConfigFileThatLeavesTheStoreOutTheHistoryIsInDuckDbAsBefore() throws Exception {
        Path workingDir = TempFolders.create("regie-history-duckdb");
        Path config = Files.createDirectories(workingDir.resolve("config"));
        Files.writeString(config.resolve("nl.regie.runtime.history.cfg"), "rawDays = 3\n");
        int port = freePort();
        try (LauncherProcess regie = LauncherProcess.start(workingDir, "--http-port", Integer.toString(port),
                "--mqtt-port", Integer.toString(freePort()), "--simulator-devices", "10", "--plugins",
                Files.createDirectories(workingDir.resolve("plugins")).toString(), "--config-dir", config.toString(),
                "--state-dir", workingDir.resolve("state").toString())) {
            regie.awaitStdout(line -> line.startsWith("Regie ready"), Duration.ofSeconds(60));
            HttpApi api = new HttpApi(port, regie.operatorToken());
            await("the history in DuckDB, writing", Duration.ofSeconds(60), () -> {
                JsonNode h = json(api.get("/health"), 200).path("history");
                return h.path("store").asText().startsWith("DuckDB in ") && h.path("written").asLong() > 0
                        ? Optional.of(h) : Optional.empty();
            });
            assertTrue(Files.exists(workingDir.resolve("state/history/history.duckdb")));
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
