package nl.regie.launcher;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The launcher's look at the runtime's HTTP access file {@code <config dir>/nl.regie.runtime.access.cfg} before it
 * starts: how many tokens it holds. The runtime checks the file fully (scopes, parties) when it applies it; here
 * each token must at least have its four fields and a SHA-256 digest, so that a server bound beyond loopback does
 * not start on a file that would let nobody in.
 */
final class AccessFile {

    /** The file name: the runtime's access PID. */
    static final String NAME = "nl.regie.runtime.access.cfg";
    private static final Pattern TOKEN = Pattern.compile("\\S+\\s+\\S+\\s+\\S+\\s+sha256:[0-9a-fA-F]{64}");

    private AccessFile() {
    }

    /**
     * The number of tokens in the configuration folder's access file; 0 when there is no file.
     *
     * @throws IllegalArgumentException when the file cannot be read or a token is malformed, saying which
     */
    static int tokens(Path configDir) {
        Path file = configDir.resolve(NAME);
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
        String value = properties.getProperty("tokens", "").strip();
        int count = 0;
        for (String element : value.isEmpty() ? new String[0] : value.split(",", -1)) {
            String token = element.strip();
            if (token.isEmpty()) {
                continue;
            }
            if (!TOKEN.matcher(token).matches()) {
                throw new IllegalArgumentException(file + ": token '" + token.split("\\s+")[0] + "' must be '<name>"
                        + " <party> <scope>;<scope>... sha256:<64 hex digits>'");
            }
            count++;
        }
        return count;
    }
}
