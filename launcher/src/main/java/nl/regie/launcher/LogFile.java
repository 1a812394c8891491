package nl.regie.launcher;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The console's lines in a file as well, rotated by size with a bounded number of files: {@code regie.log} is
 * written until the next line would take it past {@code maxBytes}; then {@code regie.log.1} becomes
 * {@code regie.log.2} and so on, the oldest ({@code regie.log.<count-1>}) is dropped, {@code regie.log} becomes
 * {@code regie.log.1} and a new {@code regie.log} starts. At most {@code count} files, each at most {@code maxBytes}
 * (a single line longer than that gets a file of its own).
 *
 * <p>Not thread-safe: {@link ConsoleLog} writes one line at a time. When the file cannot be written the failure is
 * returned to the caller, which says so once on the console; the console goes on either way.
 */
final class LogFile implements AutoCloseable {

    /** Where the log goes and how much of it is kept; {@code file} absolute. */
    record Settings(Path file, long maxBytes, int count) {
        static final long DEFAULT_MAX_BYTES = 10L * 1024 * 1024;
        static final int DEFAULT_COUNT = 5;
        static final long MIN_MAX_BYTES = 1024;
        static final int MAX_COUNT = 1000;
    }

    private final Settings settings;
    private OutputStream out;
    private long size;

    private LogFile(Settings settings) {
        this.settings = settings;
    }

    /** Opens (appends to) the log file, creating its folder. */
    static LogFile open(Settings settings) throws IOException {
        LogFile log = new LogFile(settings);
        log.openCurrent();
        return log;
    }

    Path file() {
        return settings.file();
    }

    /** Writes one line (a line break is added), rotating first when it would not fit. */
    void write(String line) throws IOException {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        if (size > 0 && size + bytes.length > settings.maxBytes()) {
            rotate();
        }
        out.write(bytes);
        out.flush();
        size += bytes.length;
    }

    private void rotate() throws IOException {
        out.close();
        Path file = settings.file();
        Files.deleteIfExists(numbered(settings.count() - 1));
        for (int i = settings.count() - 2; i >= 1; i--) {
            Path from = numbered(i);
            if (Files.exists(from)) {
                Files.move(from, numbered(i + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (settings.count() > 1) {
            Files.move(file, numbered(1), StandardCopyOption.REPLACE_EXISTING);
        } else {
            Files.delete(file);
        }
        openCurrent();
    }

    private void openCurrent() throws IOException {
        Path file = settings.file();
        Path folder = file.getParent();
        if (folder != null) {
            Files.createDirectories(folder);
        }
        out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        size = Files.size(file);
    }

    /** {@code regie.log.n} beside the log file. */
    Path numbered(int n) {
        return settings.file().resolveSibling(settings.file().getFileName() + "." + n);
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
