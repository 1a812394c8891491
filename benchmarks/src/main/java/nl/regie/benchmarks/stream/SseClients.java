package nl.regie.benchmarks.stream;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.List;

/**
 * The stream clients: each a plain socket sending {@code GET <path>} over HTTP/1.1, read without blocking by a
 * few selector threads ({@code stream-bench-client-N}), each thread parsing its clients' streams
 * ({@link SseClient}) and keeping a latency histogram per phase for them. A client whose stream the server ends
 * connects again after {@code reconnectMillis}, as a browser's EventSource does after the {@code retry:} time
 * (negative: never).
 */
final class SseClients implements AutoCloseable {

    private final List<SseClient> clients = new ArrayList<>();
    private final List<Reader> readers = new ArrayList<>();
    private boolean closed;

    /** Connects {@code count} clients and sends their requests; reading starts with {@link #start()}. */
    SseClients(InetSocketAddress server, String path, int count, int threads, Pacer pacer, int phases,
            long reconnectMillis) throws IOException {
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: " + server.getHostString() + ":" + server.getPort()
                + "\r\nAccept: text/event-stream\r\nUser-Agent: regie-stream-bench\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        for (int t = 0; t < threads; t++) {
            readers.add(new Reader(t, phases, server, request, reconnectMillis));
        }
        for (int i = 0; i < count; i++) {
            Reader reader = readers.get(i % threads);
            SseClient client = new SseClient(i, pacer, reader.latencies);
            reader.connect(client);
            clients.add(client);
        }
    }

    /** Connections made again after the server ended a stream. */
    long reconnects() {
        return readers.stream().mapToLong(r -> r.reconnects).sum();
    }

    void start() {
        readers.forEach(reader -> reader.thread.start());
    }

    List<SseClient> clients() {
        return clients;
    }

    /** The latencies of a phase over all clients. */
    Latencies latencies(int phase) {
        Latencies all = new Latencies();
        readers.forEach(reader -> all.add(reader.latencies[phase]));
        return all;
    }

    /** CPU time the client threads used so far. */
    long cpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long total = 0;
        for (Reader reader : readers) {
            total += Math.max(0, threads.getThreadCpuTime(reader.thread.getId()));
        }
        return total;
    }

    /** Stops reading and closes every connection; the clients' figures are final after this. */
    @Override
    public void close() throws IOException, InterruptedException {
        if (closed) {
            return;
        }
        closed = true;
        for (Reader reader : readers) {
            reader.running = false;
            reader.selector.wakeup();
        }
        for (Reader reader : readers) {
            reader.thread.join(10_000);
            for (SelectionKey key : reader.selector.keys()) {
                key.channel().close();
            }
            reader.selector.close();
        }
        for (Reader reader : readers) {
            if (reader.failure != null) {
                throw new IllegalStateException("a client thread failed: " + reader.failure, reader.failure);
            }
        }
    }

    /** One selector thread and the histograms of its clients. */
    private static final class Reader {
        final Selector selector;
        final Latencies[] latencies;
        final Thread thread;
        private final InetSocketAddress server;
        private final byte[] request;
        private final long reconnectMillis;
        private final Map<SseClient, Long> reconnectAt = new HashMap<>();
        volatile boolean running = true;
        volatile Throwable failure;
        volatile long reconnects;

        Reader(int index, int phases, InetSocketAddress server, byte[] request, long reconnectMillis) throws IOException {
            this.server = server;
            this.request = request;
            this.reconnectMillis = reconnectMillis;
            selector = Selector.open();
            latencies = new Latencies[phases];
            for (int p = 0; p < phases; p++) {
                latencies[p] = new Latencies();
            }
            thread = new Thread(this::run, "stream-bench-client-" + index);
            thread.setDaemon(true);
        }

        /** Connects the client and sends its request (blocking: loopback), then reads it without blocking. */
        void connect(SseClient client) throws IOException {
            SocketChannel channel = SocketChannel.open(server);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ByteBuffer out = ByteBuffer.wrap(request);
            while (out.hasRemaining()) {
                channel.write(out);
            }
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ, client);
        }

        private void reconnectDue() throws IOException {
            long now = System.nanoTime();
            for (Iterator<Map.Entry<SseClient, Long>> due = reconnectAt.entrySet().iterator(); due.hasNext();) {
                Map.Entry<SseClient, Long> entry = due.next();
                if (entry.getValue() - now <= 0) {
                    due.remove();
                    entry.getKey().restart();
                    connect(entry.getKey());
                    reconnects++;
                }
            }
        }

        private void run() {
            ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
            try {
                while (running) {
                    selector.select(reconnectAt.isEmpty() ? 100 : 5);
                    reconnectDue();
                    for (SelectionKey key : selector.selectedKeys()) {
                        SseClient client = (SseClient) key.attachment();
                        SocketChannel channel = (SocketChannel) key.channel();
                        buffer.clear();
                        int read;
                        try {
                            read = channel.read(buffer);
                        } catch (IOException e) {
                            read = -1;
                            client.onEnd("read failed: " + e.getMessage());
                        }
                        if (read >= 0) {
                            buffer.flip();
                            client.onBytes(buffer);
                        }
                        if (read < 0 || client.ended != null) {
                            client.onEnd("the server closed the connection");
                            key.cancel();
                            channel.close();
                            if (reconnectMillis >= 0) {
                                reconnectAt.put(client, System.nanoTime() + reconnectMillis * 1_000_000);
                            }
                        }
                    }
                    selector.selectedKeys().clear();
                }
            } catch (IOException | RuntimeException e) {
                failure = e;
            }
        }
    }
}
