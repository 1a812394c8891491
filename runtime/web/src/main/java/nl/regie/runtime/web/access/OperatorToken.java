package nl.regie.runtime.web.access;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The operator's own token: a secret the launcher keeps in a file only its user can read ({@code <state>/operator.token})
 * and names in the framework property {@value #FILE_PROPERTY}. A request that presents it is the operator, on any
 * address; only its SHA-256 digest is kept in memory.
 */
final class OperatorToken {

    /** The framework property naming the file that holds the operator's token. */
    static final String FILE_PROPERTY = "regie.http.operator.token.file";

    private static final Pattern SECRET = Pattern.compile("[A-Za-z0-9_-]{32,128}");

    private final byte[] digest;

    private OperatorToken(byte[] digest) {
        this.digest = digest;
    }

    /**
     * The token in the file, or empty without a file name.
     *
     * @throws IllegalArgumentException naming the file when it cannot be read or does not hold a token (32 to 128
     *                                  characters of the URL-safe base64 alphabet, on one line)
     */
    static Optional<OperatorToken> read(String file) {
        if (file == null || file.isBlank()) {
            return Optional.empty();
        }
        String secret;
        try {
            secret = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the operator token file " + file + ": " + e, e);
        }
        if (!SECRET.matcher(secret).matches()) {
            throw new IllegalArgumentException("the operator token file " + file + " does not hold a token (32 to 128"
                    + " characters: letters, digits, '-' and '_')");
        }
        return Optional.of(new OperatorToken(TokenList.sha256(secret)));
    }

    /** Whether a presented secret is this token; compares digests in constant time. */
    boolean matches(String secret) {
        return MessageDigest.isEqual(digest, TokenList.sha256(secret));
    }
}
