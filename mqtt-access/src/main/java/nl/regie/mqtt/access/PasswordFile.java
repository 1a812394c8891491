package nl.regie.mqtt.access;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A Mosquitto 2 password file ({@code password_file}): one {@code user:hash} per line, read the way Mosquitto 2.0
 * reads it. A line whose first character is {@code #} is a comment; a line without ':' is skipped (and, unless it is
 * blank, reported); the user name is what comes before the first ':', the hash what follows up to the next ':', both
 * without surrounding blanks; the hash is a {@link PasswordHash}. A line that breaks a rule is reported with its
 * number and skipped, as Mosquitto skips it, and the other lines count: one bad line costs its own user only. A user
 * named on a second line is reported there; the first line counts.
 *
 * <p>Immutable. {@link #with} and {@link #without} give the file with one user's line set or removed and every other
 * line, comments and bad lines included, exactly as it was, so that the runtime and an operator with
 * {@code mosquitto_passwd} can both keep the same file. {@link #write} replaces the file on disk in one rename.
 */
public final class PasswordFile {

    /** One line as read: {@code user} and {@code hash} are null for a comment, a blank line or a bad line. */
    private record Line(String text, String user, PasswordHash hash) {
    }

    private final List<Line> lines;
    private final Map<String, PasswordHash> users;
    private final List<String> problems;

    private PasswordFile(List<Line> lines, Map<String, PasswordHash> users, List<String> problems) {
        this.lines = List.copyOf(lines);
        this.users = Collections.unmodifiableMap(users);
        this.problems = List.copyOf(problems);
    }

    /** A file with no lines. */
    public static PasswordFile empty() {
        return parse("");
    }

    /** Reads the file; a file that is not there is {@linkplain #empty() empty}. */
    public static PasswordFile read(Path file) throws IOException {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return empty();
        }
    }

    /** Reads a password file's text. Never fails: what is wrong is in {@link #problems()}. */
    public static PasswordFile parse(String text) {
        List<Line> lines = new ArrayList<>();
        Map<String, PasswordHash> users = new LinkedHashMap<>();
        Map<String, Integer> firstLine = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        String[] raw = text.split("\n", -1);
        int count = text.isEmpty() ? 0 : text.endsWith("\n") ? raw.length - 1 : raw.length;
        for (int i = 0; i < count; i++) {
            String line = raw[i];
            int number = i + 1;
            Line parsed = line(line, number, problems);
            if (parsed.user() != null) {
                Integer first = firstLine.putIfAbsent(parsed.user(), number);
                if (first != null) {
                    problems.add("line " + number + ": user '" + parsed.user() + "' is on line " + first
                            + " already; this line is skipped");
                    parsed = new Line(line, null, null);
                } else {
                    users.put(parsed.user(), parsed.hash());
                }
            }
            lines.add(parsed);
        }
        return new PasswordFile(lines, users, problems);
    }

    private static Line line(String line, int number, List<String> problems) {
        if (line.startsWith("#")) {
            return new Line(line, null, null);
        }
        int colon = line.indexOf(':');
        if (colon < 0) {
            if (!trim(line).isEmpty()) {
                problems.add("line " + number + " has no ':' between a user name and a password hash; it is skipped");
            }
            return new Line(line, null, null);
        }
        String user = trim(line.substring(0, colon));
        if (user.isEmpty()) {
            problems.add("line " + number + " has no user name before its ':'; it is skipped");
            return new Line(line, null, null);
        }
        int end = line.indexOf(':', colon + 1);
        String hash = trim(end < 0 ? line.substring(colon + 1) : line.substring(colon + 1, end));
        try {
            return new Line(line, user, PasswordHash.parse(hash));
        } catch (IllegalArgumentException e) {
            problems.add("line " + number + " (user '" + user + "'): " + e.getMessage() + "; it is skipped");
            return new Line(line, null, null);
        }
    }

    /** The text without the blanks C's {@code isspace} knows at either end, as Mosquitto trims it. */
    private static String trim(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && blank(text.charAt(start))) {
            start++;
        }
        while (end > start && blank(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(start, end);
    }

    private static boolean blank(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0B;
    }

    /** The hash of a user's password, if the user has a good line. */
    public Optional<PasswordHash> hash(String user) {
        return Optional.ofNullable(users.get(user));
    }

    /** Whether the user has a good line. */
    public boolean contains(String user) {
        return users.containsKey(user);
    }

    /** The users with a good line, sorted. */
    public Set<String> users() {
        return Collections.unmodifiableSet(new TreeSet<>(users.keySet()));
    }

    /** What is wrong, one text per bad line, each naming its line number; empty for a good file. */
    public List<String> problems() {
        return problems;
    }

    /**
     * This file with {@code user}'s password set to {@code hash}: on the user's first line if there is one (any
     * further line of the user goes), else on a new last line.
     *
     * @throws IllegalArgumentException if the user name cannot be written on a line ({@code :} or a line break in it,
     *     blanks around it, or empty)
     */
    public PasswordFile with(String user, PasswordHash hash) {
        if (user.isEmpty() || user.indexOf(':') >= 0 || user.indexOf('\n') >= 0 || user.indexOf('\r') >= 0
                || !trim(user).equals(user) || user.startsWith("#")) {
            throw new IllegalArgumentException("user name '" + user + "' cannot be written in a password file: it must"
                    + " not be empty, start with '#', contain ':' or a line break, or begin or end with a blank");
        }
        StringBuilder text = new StringBuilder();
        boolean written = false;
        for (Line line : lines) {
            if (user.equals(userOf(line))) {
                if (!written) {
                    text.append(user).append(':').append(hash.text()).append('\n');
                    written = true;
                }
            } else {
                text.append(line.text()).append('\n');
            }
        }
        if (!written) {
            text.append(user).append(':').append(hash.text()).append('\n');
        }
        return parse(text.toString());
    }

    /** This file without any line of {@code user}; the same file when the user has none. */
    public PasswordFile without(String user) {
        StringBuilder text = new StringBuilder();
        for (Line line : lines) {
            if (!user.equals(userOf(line))) {
                text.append(line.text()).append('\n');
            }
        }
        return parse(text.toString());
    }

    /** The user a line names, good or bad (a second line of a user, a bad hash), or null. */
    private static String userOf(Line line) {
        if (line.user() != null) {
            return line.user();
        }
        if (line.text().startsWith("#")) {
            return null;
        }
        int colon = line.text().indexOf(':');
        return colon < 0 ? null : trim(line.text().substring(0, colon));
    }

    /** The file's text, every line ending in a line break. */
    public String text() {
        StringBuilder text = new StringBuilder();
        for (Line line : lines) {
            text.append(line.text()).append('\n');
        }
        return text.toString();
    }

    /**
     * Replaces {@code file} with this text in one rename (see {@link AtomicFile}): a broker reading it at the same
     * moment sees the old file or the new one, never a part.
     */
    public void write(Path file) throws IOException {
        AtomicFile.write(file, text());
    }
}
