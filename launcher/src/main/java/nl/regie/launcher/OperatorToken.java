package nl.regie.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The operator's HTTP token: 32 random bytes (URL-safe base64), kept in {@code <state dir>/operator.token}, a file
 * only the launcher's user may read or write. Made on the first start and kept across restarts, so that a link or a
 * script that carries it keeps working; delete the file to get a new one. The runtime's access filter reads the
 * same file (framework property {@code regie.http.operator.token.file}).
 */
final class OperatorToken {

    static final String FILE_NAME = "operator.token";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{32,128}");

    private final Path file;
    private final String token;

    private OperatorToken(Path file, String token) {
        this.file = file;
        this.token = token;
    }

    /**
     * The token in the state folder, made there if missing.
     *
     * @throws StartupException when the file cannot be written or read, others may read it, or it holds no token
     */
    static OperatorToken inStateDir(Path stateDir) throws StartupException {
        Path file = stateDir.resolve(FILE_NAME);
        try {
            if (!Files.exists(file)) {
                byte[] bytes = new byte[32];
                new SecureRandom().nextBytes(bytes);
                String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                    Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
                } catch (FileAlreadyExistsException raced) {
                    // another start made it meanwhile: read that one
                } catch (UnsupportedOperationException noPosix) {
                    Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
                }
            }
            if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
                if (!OWNER_ONLY.containsAll(permissions)) {
                    throw new StartupException(file + " may be read by others (" + PosixFilePermissions.toString(permissions)
                            + "): the operator's token must be the launcher's user's alone; chmod 600 it, or delete it to"
                            + " get a new one");
                }
            }
            String token = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (!TOKEN.matcher(token).matches()) {
                throw new StartupException(file + " does not hold an operator token; delete it to get a new one");
            }
            return new OperatorToken(file, token);
        } catch (IOException e) {
            throw new StartupException("cannot keep the operator's token in " + file + ": " + ConsoleLog.reason(e), e);
        }
    }

    Path file() {
        return file;
    }

    /** The link that opens the page as the operator: the token in the fragment, which never reaches a server log. */
    String link(String httpUrl) {
        return httpUrl + "#token=" + token;
    }
}
