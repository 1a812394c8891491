package nl.regie.runtime.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster of Debian's package: {@code initdb} into a folder under /tmp, {@code pg_ctl start}
 * on a free loopback port (TCP on 127.0.0.1 only, its socket in its own folder), {@code pg_ctl stop} and the folder
 * removed on {@link #close()}. PostgreSQL refuses to run as root, so as root it runs as the {@code postgres} user.
 * Shared by the history's tests (its PostgreSQL store) and the history store benchmark.
 *
 * <p>A test calls {@link #assumeInstalled()} first: without Debian's package the test is skipped, unless the
 * environment variable {@code CI} is {@code true}: then it fails, so CI never passes by skipping (as {@link Mosquitto}).
 */
public final class PostgresCluster implements AutoCloseable {

    /** Debian's PostgreSQL programs: the newest version installed under /usr/lib/postgresql (15 on bookworm). */
    public static final Path BIN = newestInstalled(Path.of("/usr/lib/postgresql"));

    /** The one role that must give its password over TCP (create it with one); every other role is trusted. */
    public static final String PASSWORD_ROLE = "regie_login";

    private final Path dir;
    private final int port;
    private int databases;
    private Thread stopper;
    private boolean closed;

    private PostgresCluster(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** {@code root/<version>/bin} of the highest version that has an initdb, or {@code root/15/bin} when none has. */
    public static Path newestInstalled(Path root) {
        try (var versions = Files.list(root)) {
            return versions.filter(v -> v.getFileName().toString().matches("\\d+"))
                    .filter(v -> Files.isExecutable(v.resolve("bin/initdb")))
                    .max(Comparator.comparingInt(v -> Integer.parseInt(v.getFileName().toString())))
                    .map(v -> v.resolve("bin")).orElse(root.resolve("15/bin"));
        } catch (IOException e) {
            return root.resolve("15/bin");
        }
    }

    public static boolean available() {
        return Files.isExecutable(BIN.resolve("initdb"));
    }

    /** Skips the test (or fails it on CI) when Debian's PostgreSQL programs are missing. */
    public static void assumeInstalled() {
        if (available()) {
            return;
        }
        String message = "PostgreSQL is not installed (missing " + BIN.resolve("initdb")
                + "); install Debian's postgresql package to run this test";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(message + " (CI=true: not skipping)");
        }
        assumeTrue(false, message);
    }

    /** Creates and starts a cluster; its superuser is {@code regie}, trusted on loopback. */
    public static PostgresCluster start() throws IOException, InterruptedException {
        if (!available()) {
            throw new IllegalStateException(BIN + "/initdb is missing: install Debian's postgresql-15 package");
        }
        Path dir = Files.createTempDirectory("regie-pg");
        PostgresCluster cluster = new PostgresCluster(dir, freePort());
        if (root()) {
            run(List.of("chown", "postgres:postgres", dir.toString()));
        }
        cluster.pg(List.of(BIN.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", "regie",
                "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"));
        // Trusted on loopback, but for one role that must log in with its password (scram), for tests of a login.
        Path hba = dir.resolve("data/pg_hba.conf");
        Files.writeString(hba, "host all " + PASSWORD_ROLE + " 127.0.0.1/32 scram-sha-256\n" + Files.readString(hba));
        cluster.startServer();
        // Stopped on Ctrl-C or kill too, not only by close(): nothing of the run is left running.
        Thread stopper = new Thread(() -> {
            try {
                cluster.close();
            } catch (IOException | InterruptedException e) {
                System.err.println("could not stop the PostgreSQL cluster in " + dir + ": " + e);
            }
        }, "postgres-cluster-stopper");
        cluster.stopper = stopper;
        Runtime.getRuntime().addShutdownHook(stopper);
        return cluster;
    }

    private void startServer() throws IOException, InterruptedException {
        pg(List.of(BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l",
                dir.resolve("server.log").toString(), "-w", "-t", "60", "-o",
                "-p " + port + " -c listen_addresses=127.0.0.1 -k " + dir + " -c shared_buffers=256MB"
                        + " -c synchronous_commit=off -c max_wal_size=4GB -c checkpoint_timeout=15min"
                        + " -c work_mem=64MB -c jit=off",
                "start"));
    }

    /** Stops and starts the server again (a clean restart), returning when it accepts connections. */
    public void restart() throws IOException, InterruptedException {
        stopServer();
        startServer();
    }

    /** Stops the server (fast: open connections are cut), keeping its data; {@link #startAgain()} starts it. */
    public void stopServer() throws IOException, InterruptedException {
        pg(List.of(BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "fast", "-w", "stop"));
    }

    /** Starts a server stopped by {@link #stopServer()} on the same port, returning when it accepts connections. */
    public void startAgain() throws IOException, InterruptedException {
        startServer();
    }

    /** The loopback port the server listens on. */
    public int port() {
        return port;
    }

    /**
     * Runs SQL as the superuser in {@code database} (a role with a password for a test of the store's login, say).
     */
    public void execute(String database, String... sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url(database));
                Statement statement = connection.createStatement()) {
            for (String s : sql) {
                statement.execute(s);
            }
        }
    }

    /** Creates a new empty database and returns its JDBC URL. */
    public String newDatabase() throws SQLException {
        String name = "history" + (++databases);
        try (Connection connection = DriverManager.getConnection(url("postgres"));
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        }
        return url(name);
    }

    /** Drops a database made by {@link #newDatabase()}. */
    public void dropDatabase(String url) throws SQLException {
        String name = url.substring(url.lastIndexOf('/') + 1, url.indexOf('?'));
        try (Connection connection = DriverManager.getConnection(url("postgres"));
                Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }

    /** The JDBC URL of {@code database} as the superuser {@code regie} (trusted on loopback: no password). */
    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=regie";
    }

    public String version() {
        try {
            Process p = new ProcessBuilder(BIN.resolve("postgres").toString(), "--version").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor(5, TimeUnit.SECONDS);
            return v;
        } catch (IOException | InterruptedException e) {
            return "PostgreSQL 15";
        }
    }

    @Override
    public synchronized void close() throws IOException, InterruptedException {
        if (closed) {
            return;
        }
        closed = true;
        if (stopper != null && Thread.currentThread() != stopper) {
            try {
                Runtime.getRuntime().removeShutdownHook(stopper);
            } catch (IllegalStateException e) {
                // the JVM is shutting down and the hook runs (or ran) close() itself
            }
        }
        try {
            pg(List.of(BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate",
                    "-w", "stop"));
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** Runs a PostgreSQL program, as the postgres user when this is root. */
    private void pg(List<String> command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (root()) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        run(full);
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed:\n" + output);
        }
    }

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** A loopback port nothing listens on now. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }
}
