package nl.regie.benchmarks.history;

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
 */
final class PostgresCluster implements AutoCloseable {

    /** Debian's PostgreSQL programs: the newest version installed under /usr/lib/postgresql (15 on bookworm). */
    static final Path BIN = newestInstalled(Path.of("/usr/lib/postgresql"));

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
    static Path newestInstalled(Path root) {
        try (var versions = Files.list(root)) {
            return versions.filter(v -> v.getFileName().toString().matches("\\d+"))
                    .filter(v -> Files.isExecutable(v.resolve("bin/initdb")))
                    .max(Comparator.comparingInt(v -> Integer.parseInt(v.getFileName().toString())))
                    .map(v -> v.resolve("bin")).orElse(root.resolve("15/bin"));
        } catch (IOException e) {
            return root.resolve("15/bin");
        }
    }

    static boolean available() {
        return Files.isExecutable(BIN.resolve("initdb"));
    }

    /** Creates and starts a cluster; its superuser is {@code regie}, trusted on loopback. */
    static PostgresCluster start() throws IOException, InterruptedException {
        if (!available()) {
            throw new IllegalStateException(BIN + "/initdb is missing: install Debian's postgresql-15 package");
        }
        Path dir = Files.createTempDirectory("regie-histbench-pg");
        PostgresCluster cluster = new PostgresCluster(dir, freePort());
        if (root()) {
            run(List.of("chown", "postgres:postgres", dir.toString()));
        }
        cluster.pg(List.of(BIN.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", "regie",
                "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"));
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
    void restart() throws IOException, InterruptedException {
        pg(List.of(BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "fast", "-w", "stop"));
        startServer();
    }

    /** Creates a new empty database and returns its JDBC URL. */
    String newDatabase() throws SQLException {
        String name = "history" + (++databases);
        try (Connection connection = DriverManager.getConnection(url("postgres"));
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        }
        return url(name);
    }

    /** Drops a database made by {@link #newDatabase()}. */
    void dropDatabase(String url) throws SQLException {
        String name = url.substring(url.lastIndexOf('/') + 1, url.indexOf('?'));
        try (Connection connection = DriverManager.getConnection(url("postgres"));
                Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }

    String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=regie";
    }

    String version() {
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

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }
}
