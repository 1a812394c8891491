package nl.regie.benchmarks.soak;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Live-stream clients that come and go: each reads {@code GET /api/stream} for a while, counting the events, then
 * hangs up in the middle of the stream (as a browser tab that is closed does).
 */
final class StreamClients implements AutoCloseable {

    /** One client's connection and what it got. */
    private final class Client {
        final long leaveAtNanos;
        final AtomicLong events = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        volatile InputStream body;
        volatile int status;
        volatile boolean closed;
        final Thread thread;

        Client(long stayNanos, int index) {
            this.leaveAtNanos = System.nanoTime() + stayNanos;
            this.thread = new Thread(this::read, "soak-stream-client-" + index);
            thread.setDaemon(true);
        }

        private void read() {
            try {
                HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(stream)
                        .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").GET().build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                status = response.statusCode();
                body = response.body();
                byte[] buffer = new byte[8192];
                byte previous = 0;
                for (int n = body.read(buffer); n >= 0 && !closed; n = body.read(buffer)) {
                    bytes.addAndGet(n);
                    for (int i = 0; i < n; i++) {
                        // An SSE event ends with an empty line.
                        if (buffer[i] == '\n' && previous == '\n') {
                            events.incrementAndGet();
                        }
                        previous = buffer[i];
                    }
                }
            } catch (IOException e) {
                if (!closed) {
                    failures.add("stream client: " + e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void close() {
            closed = true;
            InputStream in = body;
            if (in != null) {
                try {
                    in.close();
                } catch (IOException e) {
                    // it is being abandoned
                }
            }
            thread.interrupt();
        }
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private final URI stream;
    private final String token;
    private final List<Client> connected = new ArrayList<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private int served;
    private long silent;
    private long events;

    StreamClients(int httpPort, String token) {
        this.stream = URI.create("http://127.0.0.1:" + httpPort + "/api/stream");
        this.token = token;
    }

    /** Connects one more client, which stays {@code stayNanos}. */
    void connect(long stayNanos) {
        Client client = new Client(stayNanos, ++served);
        connected.add(client);
        client.thread.start();
    }

    /** Hangs up the clients whose time is over; counts those that got no event in all their time. */
    void leaveDue() {
        long now = System.nanoTime();
        for (Client client : List.copyOf(connected)) {
            if (now - client.leaveAtNanos >= 0) {
                client.close();
                connected.remove(client);
                events += client.events.get();
                if (client.events.get() == 0) {
                    silent++;
                    failures.add("a stream client got no event in its time (HTTP " + client.status + ", "
                            + client.bytes.get() + " bytes)");
                }
            }
        }
    }

    int connected() {
        return connected.size();
    }

    /** Clients that connected so far. */
    int served() {
        return served;
    }

    /** Events the clients that left had received. */
    long events() {
        return events;
    }

    long silent() {
        return silent;
    }

    List<String> failures() {
        return failures;
    }

    @Override
    public void close() {
        connected.forEach(Client::close);
        connected.clear();
    }
}
