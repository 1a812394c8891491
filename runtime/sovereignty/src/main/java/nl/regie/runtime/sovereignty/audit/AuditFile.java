package nl.regie.runtime.sovereignty.audit;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;

import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.audit.AuditLog;
import nl.regie.runtime.spi.audit.AuditQuery;
import nl.regie.runtime.spi.audit.AuditReader;

/**
 * The audit log on disk, without OSGi: {@value #CURRENT} in a folder, one JSON object per line, appended by one
 * daemon thread from a bounded queue and flushed whenever the queue runs empty. When the file would grow past the
 * rotation size it is renamed {@code audit-<UTC time>.jsonl} (kept) and a new one is started.
 */
public final class AuditFile implements AuditLog, AuditReader, AutoCloseable {

    /** The file events are appended to. */
    static final String CURRENT = "audit.jsonl";

    private static final DateTimeFormatter ROTATED = DateTimeFormatter.ofPattern("'audit-'yyyyMMdd'T'HHmmss.SSS'Z.jsonl'")
            .withZone(ZoneOffset.UTC);
    private static final AuditEvent STOP = new AuditEvent(Instant.EPOCH, "", "", "", "", "", "", "");

    private final Path folder;
    private final long rotateBytes;
    private final Consumer<String> warnings;
    private final BlockingQueue<AuditEvent> queue;
    private final AtomicLong lost = new AtomicLong();
    private final Object files = new Object();
    private final Thread writer;
    private BufferedWriter out;
    private long size;
    private long lostReported;

    /**
     * Opens (creating if needed) the log in {@code folder} and starts its writer thread.
     *
     * @param rotateBytes   size past which the file is rotated
     * @param queueCapacity events that can wait for the writer; more are lost and counted
     * @param warnings      where lost events and disk errors are reported
     * @throws IOException if the folder or file cannot be created
     */
    public AuditFile(Path folder, long rotateBytes, int queueCapacity, Consumer<String> warnings) throws IOException {
        if (rotateBytes < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("audit rotation size and queue capacity must be positive, were "
                    + rotateBytes + " and " + queueCapacity);
        }
        this.folder = Files.createDirectories(folder);
        this.rotateBytes = rotateBytes;
        this.warnings = warnings;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        open();
        this.writer = new Thread(this::write, "regie-audit-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /** The folder of the log. */
    public Path folder() {
        return folder;
    }

    @Override
    public void record(AuditEvent event) {
        if (event == null || !writer.isAlive() || !queue.offer(event)) {
            lost.incrementAndGet();
        }
    }

    @Override
    public long lost() {
        return lost.get();
    }

    /** Writes what is queued, then stops the writer thread and closes the file. */
    @Override
    public void close() {
        try {
            if (!queue.offer(STOP, 5, TimeUnit.SECONDS)) {
                writer.interrupt();
            }
            writer.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            writer.interrupt();
            Thread.currentThread().interrupt();
        }
    }

    private void write() {
        List<AuditEvent> batch = new ArrayList<>();
        try {
            while (true) {
                batch.add(queue.take());
                queue.drainTo(batch);
                for (AuditEvent event : batch) {
                    if (event == STOP) {
                        flush();
                        return;
                    }
                    append(AuditLines.line(event) + "\n");
                }
                batch.clear();
                flush();
                reportLost();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            synchronized (files) {
                closeQuietly();
            }
        }
    }

    private void append(String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        synchronized (files) {
            try {
                if (size > 0 && size + bytes.length > rotateBytes) {
                    rotate();
                }
                out.write(line);
                size += bytes.length;
            } catch (IOException e) {
                lost.incrementAndGet();
                warnings.accept("Audit event not written to " + folder.resolve(CURRENT) + ": " + e.getMessage());
            }
        }
    }

    private void rotate() throws IOException {
        out.close();
        // Names sort by time; two rotations within a millisecond take the next free one.
        Instant at = Instant.now();
        while (Files.exists(folder.resolve(ROTATED.format(at)))) {
            at = at.plusMillis(1);
        }
        Path rotated = folder.resolve(ROTATED.format(at));
        Files.move(folder.resolve(CURRENT), rotated);
        open();
    }

    private void open() throws IOException {
        Path current = folder.resolve(CURRENT);
        out = Files.newBufferedWriter(current, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        size = Files.size(current);
        if (size > 0 && !endsWithNewline(current)) {
            out.write('\n'); // a line cut short by a crash stays on its own, unreadable, line
            size++;
        }
    }

    private static boolean endsWithNewline(Path file) throws IOException {
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            ByteBuffer last = ByteBuffer.allocate(1);
            channel.position(channel.size() - 1).read(last);
            return last.get(0) == '\n';
        }
    }

    private void flush() {
        synchronized (files) {
            try {
                out.flush();
            } catch (IOException e) {
                warnings.accept("Audit log " + folder.resolve(CURRENT) + " could not be flushed: " + e.getMessage());
            }
        }
    }

    private void reportLost() {
        long now = lost.get();
        if (now != lostReported) {
            warnings.accept("Audit log: " + (now - lostReported) + " event(s) lost (queue full or disk error), "
                    + now + " in all");
            lostReported = now;
        }
    }

    private void closeQuietly() {
        try {
            out.close();
        } catch (IOException e) {
            warnings.accept("Audit log " + folder.resolve(CURRENT) + " could not be closed: " + e.getMessage());
        }
    }

    @Override
    public List<AuditEvent> read(AuditQuery query) {
        List<AuditEvent> found = new ArrayList<>();
        for (Path file : filesNewestFirst()) {
            String[] lines;
            try {
                // Decoded leniently: the writer may be half-way through a line (skipped below as not an event).
                lines = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).split("\n");
            } catch (NoSuchFileException e) {
                continue; // rotated away while listing: its events are in the rotated file, listed already or next
            } catch (IOException e) {
                warnings.accept("Audit file " + file + " could not be read: " + e.getMessage());
                continue;
            }
            for (int i = lines.length - 1; i >= 0; i--) {
                AuditEvent event = AuditLines.event(lines[i]);
                if (event != null && query.matches(event)) {
                    found.add(event);
                    if (found.size() == query.limit()) {
                        return found;
                    }
                }
            }
            if (query.since() != null && rotatedBefore(file, query.since())) {
                break;
            }
        }
        return found;
    }

    /** The current file, then the rotated ones from the most recently rotated. */
    private List<Path> filesNewestFirst() {
        synchronized (files) {
            flush();
            try (Stream<Path> listed = Files.list(folder)) {
                List<Path> rotated = listed.filter(p -> {
                    String name = p.getFileName().toString();
                    return name.startsWith("audit-") && name.endsWith(".jsonl");
                }).sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed()).toList();
                List<Path> all = new ArrayList<>();
                all.add(folder.resolve(CURRENT));
                all.addAll(rotated);
                return all;
            } catch (IOException e) {
                warnings.accept("Audit folder " + folder + " could not be listed: " + e.getMessage());
                return List.of(folder.resolve(CURRENT));
            }
        }
    }

    /** Whether a rotated file was closed before {@code since}, so that it and all older ones hold nothing later. */
    private static boolean rotatedBefore(Path file, Instant since) {
        String name = file.getFileName().toString();
        if (!name.startsWith("audit-")) {
            return false;
        }
        try {
            return Instant.from(ROTATED.parse(name)).isBefore(since);
        } catch (RuntimeException e) {
            return false;
        }
    }
}
