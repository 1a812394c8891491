package nl.regie.runtime.web.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import nl.regie.runtime.web.json.Json;

/**
 * The body of {@code POST /api/plugins} and {@code PUT /api/plugins/{symbolicName}}: a plugin jar, streamed to a
 * temporary file so that a large jar never sits in memory. Anything else is answered with a problem here: 415 for
 * another media type, 413 for a body over the limit (declared or streamed), 400 for an empty body.
 */
final class PluginUpload {

    /** The media types a jar may be sent as. */
    static final Set<String> MEDIA_TYPES = Set.of("application/java-archive", "application/octet-stream");

    private final long maxBytes;
    private final Path tempDir;

    /**
     * @param maxBytes the largest jar accepted
     * @param tempDir  where bodies are written while they are handled; {@code null} for the system's temporary folder
     */
    PluginUpload(long maxBytes, Path tempDir) {
        this.maxBytes = maxBytes;
        this.tempDir = tempDir;
    }

    long maxBytes() {
        return maxBytes;
    }

    /** The name the body gets, in a temporary folder of its own: the lifecycle's messages name the file. */
    static final String FILE_NAME = "uploaded.jar";

    /**
     * Writes the body to a new temporary file, which the caller {@linkplain #discard discards}.
     *
     * @return the file, or {@code null} when the request was refused (the problem has been written)
     */
    Path receive(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String uri = request.getRequestURI();
        String contentType = request.getContentType();
        if (contentType == null || !MEDIA_TYPES.contains(mediaType(contentType))) {
            response.setHeader("Accept-Post", String.join(", ", MEDIA_TYPES.stream().sorted().toList()));
            Json.problem(response, 415, "Unsupported Media Type", "the body must be a plugin jar sent as"
                    + " application/java-archive or application/octet-stream, was "
                    + (contentType == null ? "not declared" : contentType), uri);
            return null;
        }
        long declared = request.getContentLengthLong();
        if (declared > maxBytes) {
            tooLarge(response, "the jar of " + declared + " bytes is larger than " + maxBytes + " bytes", uri);
            return null;
        }
        Path folder = tempDir == null ? Files.createTempDirectory("regie-upload-")
                : Files.createTempDirectory(tempDir, "regie-upload-");
        Path file = folder.resolve(FILE_NAME);
        boolean kept = false;
        try {
            long written = copy(request, file);
            if (written > maxBytes) {
                tooLarge(response, "the jar is larger than " + maxBytes + " bytes", uri);
                return null;
            }
            if (written == 0) {
                Json.problem(response, 400, "Bad Request", "the body is empty; send the plugin jar as the body", uri);
                return null;
            }
            kept = true;
            return file;
        } finally {
            if (!kept) {
                discard(file);
            }
        }
    }

    /** Deletes a file {@link #receive} made, and its folder. */
    static void discard(Path file) throws IOException {
        Files.deleteIfExists(file);
        Files.deleteIfExists(file.getParent());
    }

    /** Copies at most one byte more than the limit, so that a body without a declared length is cut off early. */
    private long copy(HttpServletRequest request, Path file) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long written = 0;
        try (InputStream in = request.getInputStream(); OutputStream out = Files.newOutputStream(file)) {
            while (written <= maxBytes) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, maxBytes + 1 - written));
                if (n < 0) {
                    break;
                }
                out.write(buffer, 0, n);
                written += n;
            }
        }
        return written;
    }

    private static void tooLarge(HttpServletResponse response, String detail, String uri) throws IOException {
        Json.problem(response, 413, "Content Too Large", detail, uri);
    }

    private static String mediaType(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }
}
