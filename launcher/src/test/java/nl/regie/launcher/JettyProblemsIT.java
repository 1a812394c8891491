package nl.regie.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Requests Jetty refuses while parsing them, sent over a raw socket to the running launcher: a malformed request line
 * (400), a URI too long (414) and headers too large (431) are answered with RFC 9457 problem details, like every other
 * error of the API, not with Jetty's HTML page.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JettyProblemsIT {

    private LauncherProcess regie;
    private int port;

    @BeforeAll
    void startRegie() throws Exception {
        Path workingDir = TempFolders.create("regie-jetty-problems");
        port = freePort();
        regie = LauncherProcess.start(workingDir, "--http-port", Integer.toString(port), "--mqtt-port",
                Integer.toString(freePort()), "--no-simulator", "--plugins",
                Files.createDirectories(workingDir.resolve("plugins")).toString(), "--state-dir",
                workingDir.resolve("state").toString());
        regie.awaitStdout(line -> line.startsWith("Regie ready"), Duration.ofSeconds(60));
    }

    @AfterAll
    void stopRegie() {
        if (regie != null) {
            regie.close();
        }
    }

    @Test
    void aMalformedRequestLineIs400ProblemJson() throws IOException {
        Answer answer = send("NOT A REQUEST LINE AT ALL\r\n\r\n");
        assertProblem(answer, 400);
    }

    @Test
    void aUriTooLongIs414ProblemJson() throws IOException {
        Answer answer = send("GET /api/entities?type=" + "A".repeat(70_000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertProblem(answer, 414);
    }

    @Test
    void headersTooLargeAre431ProblemJson() throws IOException {
        Answer answer = send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + "p".repeat(70_000)
                + "\r\n\r\n");
        assertProblem(answer, 431);
    }

    @Test
    void aBadHeaderLineIs400ProblemJson() throws IOException {
        Answer answer = send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nno colon here\r\n\r\n");
        assertProblem(answer, 400);
    }

    private static void assertProblem(Answer answer, int status) {
        assertEquals(status, answer.status, answer.toString());
        assertTrue(answer.headers.getOrDefault("content-type", "").startsWith("application/problem+json"),
                answer.toString());
        assertTrue(answer.body.startsWith("{") && answer.body.contains("\"status\":" + status), answer.toString());
        assertTrue(answer.body.contains("\"detail\":"), answer.toString());
    }

    private record Answer(int status, Map<String, String> headers, String body) {
    }

    /** Sends raw bytes and reads the answer: status line, headers, and a body of its Content-Length. */
    private Answer send(String request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (IOException e) {
                // Jetty may answer and close before it has read all we send: the answer is what counts.
            }
            InputStream in = socket.getInputStream();
            String statusLine = line(in);
            Map<String, String> headers = new LinkedHashMap<>();
            for (String header = line(in); !header.isEmpty(); header = line(in)) {
                int colon = header.indexOf(':');
                headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
            }
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            byte[] body = in.readNBytes(length);
            return new Answer(Integer.parseInt(statusLine.split(" ")[1]), headers,
                    new String(body, StandardCharsets.UTF_8));
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
