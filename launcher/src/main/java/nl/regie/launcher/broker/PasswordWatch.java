package nl.regie.launcher.broker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

import nl.regie.mqtt.access.PasswordFile;
import nl.regie.mqtt.access.PasswordHash;

/**
 * The devices' password file as the embedded broker reads it: the runtime writes it (one rename per change), an
 * operator may edit it with {@code mosquitto_passwd}, and the broker must follow either at once. {@link #current()}
 * looks at the file's identity, time and size, a few microseconds, and reads it again only when one of them changed;
 * it is called on every login, and every second by the broker's watch thread, so a new device can log in the moment
 * the runtime answers, and a revoked one is told within a second.
 *
 * <p>When the file changes, the users whose line went away or whose password changed are handed to the listener, and
 * each new bad line is reported once. A file that cannot be read keeps the last one read in force (and says so once).
 * Thread-safe.
 */
final class PasswordWatch {

    private final Path file;
    private final Consumer<Set<String>> revoked;
    private final Consumer<String> warnings;
    private Object stamp;
    private volatile PasswordFile current = PasswordFile.empty();
    private Set<String> reported = Set.of();
    private String unreadable;

    /**
     * @param revoked  told the users whose password went away or changed, on the thread that noticed
     * @param warnings told each new problem with the file
     */
    PasswordWatch(Path file, Consumer<Set<String>> revoked, Consumer<String> warnings) {
        this.file = Objects.requireNonNull(file, "file");
        this.revoked = Objects.requireNonNull(revoked, "revoked");
        this.warnings = Objects.requireNonNull(warnings, "warnings");
    }

    Path file() {
        return file;
    }

    /** The file as last read, without looking at it again. */
    PasswordFile last() {
        return current;
    }

    /** The file as it is now. */
    PasswordFile current() {
        Set<String> gone;
        PasswordFile now;
        synchronized (this) {
            Object seen;
            try {
                seen = stamp();
            } catch (IOException e) {
                complain("cannot look at the device password file " + file + ": " + e + "; the devices of its last"
                        + " reading may log in");
                return current;
            }
            if (seen.equals(stamp)) {
                return current;
            }
            PasswordFile read;
            try {
                read = PasswordFile.read(file);
            } catch (IOException e) {
                complain("cannot read the device password file " + file + ": " + e + "; the devices of its last"
                        + " reading may log in");
                return current;
            }
            unreadable = null;
            gone = changed(current, read);
            stamp = seen;
            current = read;
            now = read;
            Set<String> problems = new HashSet<>(read.problems());
            for (String problem : read.problems()) {
                if (!reported.contains(problem)) {
                    warnings.accept("device password file " + file + ": " + problem);
                }
            }
            reported = Set.copyOf(problems);
        }
        if (!gone.isEmpty()) {
            revoked.accept(gone);
        }
        return now;
    }

    /** The users of {@code before} whose line is not in {@code after}, or holds another password. */
    private static Set<String> changed(PasswordFile before, PasswordFile after) {
        Set<String> gone = new HashSet<>();
        for (String user : before.users()) {
            PasswordHash old = before.hash(user).orElseThrow();
            if (!after.hash(user).map(old::equals).orElse(false)) {
                gone.add(user);
            }
        }
        return gone;
    }

    private Object stamp() throws IOException {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return List.of(String.valueOf(attributes.fileKey()), attributes.lastModifiedTime(), attributes.size());
        } catch (NoSuchFileException e) {
            return "missing";
        }
    }

    private void complain(String problem) {
        if (!problem.equals(unreadable)) {
            unreadable = problem;
            warnings.accept(problem);
        }
    }
}
