package nl.regie.runtime.history;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The copies of DuckDB's native library in the temporary folder.
 *
 * <p>DuckDB's JDBC driver unpacks its library (about 70 MB) into {@code java.io.tmpdir} as
 * {@code libduckdb_java<random>.so} each time its classes are loaded, and leaves the deleting to
 * {@code File.deleteOnExit}, which runs only when the JVM exits through its shutdown sequence: not after a
 * {@code kill -9}, a crash or {@code -XX:+ExitOnOutOfMemoryError}, and not when the launcher ends the JVM with
 * {@code Runtime.halt} after a clean stop (as it does, to exit 0 on SIGTERM). So every start left 70 MB behind; on a
 * test machine 905 copies (61 GB) once filled the disk. Hence two things, both in the history's start:
 * <ul>
 * <li>{@link #deleteLoadedCopy}: once DuckDB has loaded its library, the copy this process mapped (named in
 * {@code /proc/self/maps}) is deleted at once. Linux keeps a deleted file for as long as it is mapped, and the process
 * never opens it again. Where there is no {@code /proc}, nothing is deleted here.</li>
 * <li>{@link #sweep}: before DuckDB loads, the copies of this user older than {@link #MIN_AGE} are deleted: those of
 * runtimes before this one, or of other systems. {@link #MIN_AGE} spares a copy another runtime is unpacking or about
 * to load right now.</li>
 * </ul>
 * (A systemd service with {@code PrivateTmp=yes}, as shipped, gets a temporary folder of its own for each run anyway.)
 *
 * <p>The DuckDB bundle the launcher ships (runtime/duckdb) does not unpack anything: its library is found through
 * {@code Bundle-NativeCode}, and the framework copies it into its own cache in the state folder. There the loaded copy is
 * not in the temporary folder and {@link #deleteLoadedCopy} leaves it alone; the sweep still removes what runtimes
 * before it left. Both steps still do their work wherever DuckDB's jar as published is on the class path (the
 * history's own tests, the benchmarks, an application that embeds the history without the launcher).
 */
final class NativeLeftovers {

    static final String PREFIX = "libduckdb_java";
    static final String SUFFIX = ".so";
    /** Far longer than unpacking and loading the library takes, even on a machine starved of CPU. */
    static final Duration MIN_AGE = Duration.ofMinutes(10);

    private NativeLeftovers() {
    }

    private static final Pattern LOADED = Pattern.compile("\\s(/\\S*/" + PREFIX + "\\d+\\" + SUFFIX + ")$");

    /** Deletes the old copies in {@code java.io.tmpdir}, and says how many it deleted, if any. */
    static void sweep(Consumer<String> info) {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Swept swept = sweep(tmp, Instant.now(), MIN_AGE);
        if (swept.files() > 0) {
            info.accept("Deleted " + swept.files() + " copies of DuckDB's native library (" + swept.bytes() / (1024 * 1024)
                    + " MB) that earlier runs left in " + tmp);
        }
    }

    /** Deletes the copy of the library this process has loaded, when {@code /proc/self/maps} names it. */
    static void deleteLoadedCopy(Consumer<String> info) {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) {
            return;
        }
        try {
            Optional<Path> copy = loadedCopy(Files.readAllLines(maps));
            // Only a copy the driver made in the temporary folder: never a library installed elsewhere.
            Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize();
            if (copy.isPresent() && copy.get().getParent().equals(tmp)) {
                Files.deleteIfExists(copy.get());
            }
        } catch (IOException e) {
            info.accept("Could not delete the copy of DuckDB's native library this run loaded: " + e);
        }
    }

    /** The library copy a {@code /proc/<pid>/maps} listing shows mapped (not deleted yet). */
    static Optional<Path> loadedCopy(List<String> maps) {
        for (String line : maps) {
            Matcher matcher = LOADED.matcher(line);
            if (matcher.find()) {
                return Optional.of(Path.of(matcher.group(1)));
            }
        }
        return Optional.empty();
    }

    /** What a sweep deleted. */
    record Swept(int files, long bytes) {
    }

    /**
     * Deletes from {@code dir} the regular files named like DuckDB's copies, owned by this process's user, last
     * modified before {@code now - minAge}. A file that cannot be read or deleted is left as it is: this is cleaning
     * up, never a reason to fail.
     */
    static Swept sweep(Path dir, Instant now, Duration minAge) {
        Instant before = now.minus(minAge);
        String user = System.getProperty("user.name");
        int files = 0;
        long bytes = 0;
        try (DirectoryStream<Path> copies = Files.newDirectoryStream(dir, PREFIX + "*" + SUFFIX)) {
            for (Path copy : copies) {
                try {
                    if (Files.isRegularFile(copy, LinkOption.NOFOLLOW_LINKS)
                            && Files.getOwner(copy, LinkOption.NOFOLLOW_LINKS).getName().equals(user)
                            && Files.getLastModifiedTime(copy, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(before)) {
                        long size = Files.size(copy);
                        Files.delete(copy);
                        files++;
                        bytes += size;
                    }
                } catch (IOException | UnsupportedOperationException e) {
                    // Someone else's, gone meanwhile, or not ours to delete: leave it.
                }
            }
        } catch (IOException e) {
            // No such folder, or not readable: nothing to sweep.
        }
        return new Swept(files, bytes);
    }
}
