package nl.regie.benchmarks.stream;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The runtime's {@code GET /metrics} page, fetched over HTTP, and sums over its samples. */
final class MetricsPage {

    private final List<String> lines;

    private MetricsPage(List<String> lines) {
        this.lines = lines;
    }

    /** Fetches the page; throws when the server does not answer 200. */
    static MetricsPage fetch(int port) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) new URL("http://127.0.0.1:" + port + "/metrics").openConnection();
        connection.setConnectTimeout(5_000);
        connection.setReadTimeout(10_000);
        try {
            if (connection.getResponseCode() != 200) {
                throw new IOException("GET /metrics answered " + connection.getResponseCode());
            }
            try (InputStream in = connection.getInputStream()) {
                return new MetricsPage(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
            }
        } finally {
            connection.disconnect();
        }
    }

    /** Waits until the page answers (the HTTP server and the runtime are up), at most {@code millis}. */
    static void await(int port, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        IOException last = null;
        while (System.currentTimeMillis() < deadline) {
            try {
                fetch(port);
                return;
            } catch (IOException e) {
                last = e;
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("GET /metrics on port " + port + " did not answer within " + millis + " ms: " + last);
    }

    /** The sum of a family's samples (those whose line starts with {@code name} and a space or a brace). */
    double sum(String name) {
        double total = 0;
        for (String line : lines) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    /** The sample lines of the families whose names start with {@code prefix}. */
    List<String> samples(String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).toList();
    }
}
