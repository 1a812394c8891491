package nl.regie.launcher;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sockets of one Linux process, as the kernel lists them: which of its file descriptors are sockets
 * ({@code /proc/PID/fd}), matched by inode to the connection tables of its network namespace
 * ({@code /proc/PID/net/tcp}, {@code tcp6}, {@code udp}, {@code udp6}). Polled on a thread of its own from
 * {@link #start} to {@link #close}, every few milliseconds, so that a short connection is seen too; what it saw
 * stays for the test to check.
 *
 * <p>A connection "leaves loopback" when its remote address is neither a loopback address (127.0.0.0/8, ::1,
 * ::ffff:127.0.0.0/104) nor unspecified (a listening or unconnected socket).
 */
final class SocketWatch implements AutoCloseable {

    private static final Pattern SOCKET_LINK = Pattern.compile("socket:\\[(\\d+)]");
    private static final List<String> TABLES = List.of("tcp", "tcp6", "udp", "udp6");

    /** One line of a connection table that belongs to the process. */
    record Entry(String protocol, InetAddress local, int localPort, InetAddress remote, int remotePort, String state) {

        boolean listening() {
            return protocol.startsWith("tcp") && state.equals("LISTEN");
        }

        /** Connected (or connecting) to an address beyond this machine. */
        boolean leavesLoopback() {
            return !remote.isAnyLocalAddress() && !loopback(remote);
        }

        @Override
        public String toString() {
            return protocol + " " + local.getHostAddress() + ":" + localPort + " -> " + remote.getHostAddress() + ":"
                    + remotePort + " " + state;
        }
    }

    private final long pid;
    private final Set<Entry> seen = new LinkedHashSet<>();
    private final List<String> problems = new ArrayList<>();
    private volatile boolean running;
    private Thread poller;

    private SocketWatch(long pid) {
        this.pid = pid;
    }

    /** Whether this machine has the tables (Linux). */
    static boolean supported() {
        return Files.isReadable(Path.of("/proc/self/net/tcp"));
    }

    /** Starts watching the process {@code pid}; {@link ProcessHandle#current()} for this one. */
    static SocketWatch start(long pid) {
        SocketWatch watch = new SocketWatch(pid);
        watch.poll(); // once before returning, so the caller knows the start state is recorded
        watch.running = true;
        watch.poller = new Thread(watch::pollUntilClosed, "socket-watch-" + pid);
        watch.poller.setDaemon(true);
        watch.poller.start();
        return watch;
    }

    private void pollUntilClosed() {
        while (running) {
            poll();
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Reads the process's sockets once and records them. */
    void poll() {
        List<Entry> now;
        try {
            now = snapshot(pid);
        } catch (NoSuchFileException e) {
            return; // the process has ended
        } catch (IOException | RuntimeException e) {
            synchronized (this) {
                problems.add(e.toString());
            }
            return;
        }
        synchronized (this) {
            seen.addAll(now);
        }
    }

    /** Every socket seen so far (each distinct state once). */
    synchronized List<Entry> seen() {
        return List.copyOf(seen);
    }

    /** The connections seen so far whose far end is beyond this machine. */
    synchronized List<Entry> leaks() {
        return seen.stream().filter(Entry::leavesLoopback).toList();
    }

    /** The TCP sockets seen listening. */
    synchronized List<Entry> listening() {
        return seen.stream().filter(Entry::listening).toList();
    }

    /** Errors while reading the tables (there should be none). */
    synchronized List<String> problems() {
        return List.copyOf(problems);
    }

    @Override
    public void close() {
        running = false;
        if (poller != null) {
            poller.interrupt();
            try {
                poller.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        poll(); // the end state too
    }

    /** The sockets process {@code pid} has open now. */
    static List<Entry> snapshot(long pid) throws IOException {
        Path proc = Path.of("/proc", Long.toString(pid));
        Set<Long> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
            for (Path fd : fds) {
                try {
                    Matcher m = SOCKET_LINK.matcher(Files.readSymbolicLink(fd).toString());
                    if (m.matches()) {
                        inodes.add(Long.parseLong(m.group(1)));
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        List<Entry> entries = new ArrayList<>();
        for (String table : TABLES) {
            Path file = proc.resolve("net").resolve(table);
            if (!Files.exists(file)) {
                continue;
            }
            for (String line : Files.readAllLines(file)) {
                Entry entry = parse(table, line, inodes);
                if (entry != null) {
                    entries.add(entry);
                }
            }
        }
        return entries;
    }

    /** One line of {@code /proc/net/tcp} (or tcp6, udp, udp6), if its socket is one of {@code inodes}. */
    static Entry parse(String table, String line, Set<Long> inodes) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 10 || !f[0].endsWith(":")) {
            return null; // the header
        }
        if (!inodes.contains(Long.parseLong(f[9]))) {
            return null;
        }
        String[] local = f[1].split(":");
        String[] remote = f[2].split(":");
        return new Entry(table, address(local[0]), Integer.parseInt(local[1], 16), address(remote[0]),
                Integer.parseInt(remote[1], 16), state(table, f[3]));
    }

    /** The kernel's hex address: 32-bit words in host (little-endian) order, 8 hex digits for IPv4, 32 for IPv6. */
    static InetAddress address(String hex) {
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int i = 0; i < 4; i++) {
                int at = word * 8 + (3 - i) * 2;
                bytes[word * 4 + i] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
            }
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address: " + hex, e);
        }
    }

    private static String state(String table, String hex) {
        int code = Integer.parseInt(hex, 16);
        if (table.startsWith("udp")) {
            return code == 1 ? "CONNECTED" : "UNCONNECTED";
        }
        return switch (code) {
            case 1 -> "ESTABLISHED";
            case 2 -> "SYN_SENT";
            case 3 -> "SYN_RECV";
            case 4 -> "FIN_WAIT1";
            case 5 -> "FIN_WAIT2";
            case 6 -> "TIME_WAIT";
            case 7 -> "CLOSE";
            case 8 -> "CLOSE_WAIT";
            case 9 -> "LAST_ACK";
            case 10 -> "LISTEN";
            case 11 -> "CLOSING";
            default -> "STATE_" + hex.toUpperCase(Locale.ROOT);
        };
    }

    /** 127.0.0.0/8, ::1, or an IPv4-mapped IPv6 address of 127.0.0.0/8. */
    static boolean loopback(InetAddress address) {
        if (address.isLoopbackAddress()) {
            return true;
        }
        byte[] b = address.getAddress();
        if (b.length == 16) {
            for (int i = 0; i < 10; i++) {
                if (b[i] != 0) {
                    return false;
                }
            }
            return b[10] == (byte) 0xff && b[11] == (byte) 0xff && b[12] == 127;
        }
        return false;
    }
}
