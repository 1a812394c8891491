package nl.regie.runtime.history;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * The copies of DuckDB's native library that runtimes which did not exit normally left in the temporary folder.
 *
 * <p>DuckDB's JDBC driver unpacks its library (about 70 MB) into {@code java.io.tmpdir} as
 * {@code libduckdb_java<random>.so} each time its classes are loaded, and deletes the copy only when the JVM exits
 * normally. After a {@code kill -9}, a crash or {@code -XX:+ExitOnOutOfMemoryError} the copy stays; on a test machine
 * 905 of them (61 GB) once filled the disk. So before it loads DuckDB, the history deletes the copies of this user that
 * are older than {@link #MIN_AGE}. One that a running process has loaded may go too: Linux keeps a deleted file for as
 * long as it is mapped, and the process never opens it again. {@link #MIN_AGE} spares a copy another runtime is
 * unpacking or about to load right now. (A systemd service with {@code PrivateTmp=yes}, as shipped, gets a temporary
 * folder of its own for each run anyway.)
 */
final class NativeLeftovers {

    static final String PREFIX = "libduckdb_java";
    static final String SUFFIX = ".so";
    /** Far longer than unpacking and loading the library takes, even on a machine starved of CPU. */
    static final Duration MIN_AGE = Duration.ofMinutes(10);

    private NativeLeftovers() {
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
