package nl.regie.benchmarks.ngsild;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/** Waits for the embedded Regie of an NGSI-LD benchmark to serve a path. */
final class Served {

    private Served() {
    }

    /** Returns once {@code url} answers 200; fails after 60 s. */
    static void await(HttpClient http, String url) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                int status = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // the HTTP server is starting
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(url + " was not served within 60 s");
            }
            LockSupport.parkNanos(10_000_000);
        }
    }
}
