package nl.regie.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A small client of Regie's HTTP API for tests: requests with {@code java.net.http}, checks of the status, the media
 * type and the RFC 9457 problem members, a Server-Sent Events reader, and a raw request that only declares its body.
 */
final class HttpApi {

    /** Media types as the design names them. */
    static final String JSON = "application/json";
    static final String PROBLEM = "application/problem+json";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final int port;
    private final String token;

    /** A client of the Regie on {@code port} that sends {@code token} (the operator's, say) with every request. */
    HttpApi(int port, String token) {
        this.port = port;
        this.token = token;
    }

    /** The port it talks to. */
    int port() {
        return port;
    }

    HttpResponse<String> get(String path) {
        return send("GET", path, null, (byte[]) null);
    }

    /** A GET with one more header. */
    HttpResponse<String> get(String path, String header, String value) {
        return send(request(path, null).header(header, value).GET());
    }

    /** A request with {@code body} (none when null) sent as {@code contentType}. */
    HttpResponse<String> send(String method, String path, String contentType, byte[] body) {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body);
        return send(request(path, contentType).method(method, publisher));
    }

    /** A request with a file (a plugin jar) as its body. */
    HttpResponse<String> send(String method, String path, String contentType, Path file) {
        try {
            return send(request(path, contentType).method(method, HttpRequest.BodyPublishers.ofFile(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A body sent chunked, without a declared length. */
    HttpResponse<String> sendChunked(String method, String path, String contentType, byte[] body) {
        return send(request(path, contentType).method(method,
                HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body))));
    }

    /** A JSON body. */
    HttpResponse<String> sendJson(String method, String path, String json) {
        return send(method, path, JSON, json.getBytes(StandardCharsets.UTF_8));
    }

    private HttpRequest.Builder request(String path, String contentType) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token);
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return request;
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** Asserts the status and {@code application/json}, and returns the body. */
    static JsonNode json(HttpResponse<String> response, int status) {
        assertEquals(status, response.statusCode(), () -> describe(response));
        assertEquals(JSON, mediaType(response), () -> describe(response));
        return parse(response);
    }

    /**
     * Asserts an RFC 9457 problem: the status, {@code application/problem+json}, the members {@code type},
     * {@code title}, {@code status} (the same as the response's), {@code detail} (containing each of {@code mentions})
     * and {@code instance} (the request's path), and returns the body.
     */
    static JsonNode problem(HttpResponse<String> response, int status, String... mentions) {
        assertEquals(status, response.statusCode(), () -> describe(response));
        assertEquals(PROBLEM, mediaType(response), () -> describe(response));
        JsonNode problem = parse(response);
        assertEquals("about:blank", problem.path("type").asText(), problem::toString);
        assertFalse(problem.path("title").asText().isBlank(), problem::toString);
        assertEquals(status, problem.path("status").asInt(), problem::toString);
        assertEquals(response.request().uri().getRawPath(), problem.path("instance").asText(), problem::toString);
        String detail = problem.path("detail").asText();
        for (String mention : mentions) {
            assertTrue(detail.contains(mention), () -> "the detail should name " + mention + ": " + problem);
        }
        return problem;
    }

    /** The media type of the response, without parameters, in lower case; empty when there is none. */
    static String mediaType(HttpResponse<?> response) {
        String type = response.headers().firstValue("Content-Type").orElse("");
        int semicolon = type.indexOf(';');
        return (semicolon < 0 ? type : type.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    static JsonNode parse(HttpResponse<String> response) {
        try {
            return MAPPER.readTree(response.body());
        } catch (JsonProcessingException e) {
            throw new AssertionError("not JSON: " + describe(response), e);
        }
    }

    static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    /** The request and the response, for failure messages. */
    static String describe(HttpResponse<String> response) {
        return response.request().method() + " " + response.request().uri() + " -> " + response.statusCode() + " "
                + response.headers().map() + " " + response.body();
    }

    /** What {@link #check} is waiting for: empty until it is there. */
    @FunctionalInterface
    interface Check<T> {
        Optional<T> now() throws Exception;
    }

    /** Asks {@code check} every 100 ms until it answers, failing after {@code timeout}. */
    static <T> T await(String what, Duration timeout, Check<T> check) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<T> found = check.now();
            if (found.isPresent()) {
                return found.get();
            }
            if (System.nanoTime() > deadline) {
                fail("waited " + timeout.toSeconds() + " s in vain for " + what);
            }
            Thread.sleep(100);
        }
    }

    /**
     * Sends the head of a request that declares a body of {@code declaredLength} bytes and only its first kilobyte,
     * and reads the answer: for a server that must refuse a body by its declared size without reading it. (Jetty
     * dispatches a request with a body once some of it has come, so a head alone would get no answer.)
     */
    RawResponse declareOnly(String method, String path, String contentType, long declaredLength) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write((method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAuthorization: Bearer " + token
                    + "\r\nContent-Type: " + contentType
                    + "\r\nContent-Length: " + declaredLength + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(new byte[(int) Math.min(1024, declaredLength)]);
            out.flush();
            InputStream in = socket.getInputStream();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String statusLine = reader.readLine();
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line = reader.readLine(); line != null && !line.isEmpty(); line = reader.readLine()) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            char[] body = new char[length];
            int read = 0;
            while (read < length) {
                int n = reader.read(body, read, length - read);
                if (n < 0) {
                    break;
                }
                read += n;
            }
            return new RawResponse(Integer.parseInt(statusLine.split(" ")[1]), headers, new String(body, 0, read));
        }
    }

    /** The answer to {@link #declareOnly}; header names in lower case. */
    record RawResponse(int status, Map<String, String> headers, String body) {
    }

    /** Opens {@code GET path} as a Server-Sent Events stream; the response's head has arrived when it returns. */
    EventStream stream(String path) throws IOException, InterruptedException {
        return stream(path, null);
    }

    /** Opens an event stream that resumes after the event {@code lastEventId} (null: a new one). */
    EventStream stream(String path, String lastEventId) throws IOException, InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path)).header("Accept", "text/event-stream")
                .header("Authorization", "Bearer " + token);
        if (lastEventId != null) {
            builder.header("Last-Event-ID", lastEventId);
        }
        HttpRequest request = builder.GET().build();
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        return new EventStream(response);
    }

    /** One Server-Sent Event. */
    record Event(String id, String name, String data) {
    }

    /** A Server-Sent Events stream, read by a thread of its own into a queue of events. */
    static final class EventStream implements AutoCloseable {

        private final HttpResponse<InputStream> response;
        private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        private final StringBuilder seen = new StringBuilder();

        private EventStream(HttpResponse<InputStream> response) {
            this.response = response;
            Thread reader = new Thread(this::read, "sse-reader");
            reader.setDaemon(true);
            reader.start();
        }

        HttpResponse<InputStream> response() {
            return response;
        }

        private void read() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String id = null;
                String name = "message";
                StringBuilder data = new StringBuilder();
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    synchronized (seen) {
                        if (seen.length() < 4_000) {
                            seen.append(line).append('\n');
                        }
                    }
                    if (line.isEmpty()) {
                        if (data.length() > 0) {
                            events.add(new Event(id, name, data.substring(0, data.length() - 1)));
                        }
                        id = null;
                        name = "message";
                        data.setLength(0);
                    } else if (line.startsWith("id:")) {
                        id = line.substring(3).trim();
                    } else if (line.startsWith("event:")) {
                        name = line.substring(6).trim();
                    } else if (line.startsWith("data:")) {
                        data.append(line.substring(5).stripLeading()).append('\n');
                    }
                }
            } catch (IOException e) {
                // closed
            }
        }

        /** The next event within {@code timeout}, or empty. */
        Optional<Event> next(Duration timeout) throws InterruptedException {
            return Optional.ofNullable(events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS));
        }

        /** The first lines of the stream as received, for failure messages. */
        String transcript() {
            synchronized (seen) {
                return seen.toString();
            }
        }

        @Override
        public void close() throws IOException {
            response.body().close();
        }
    }
}
