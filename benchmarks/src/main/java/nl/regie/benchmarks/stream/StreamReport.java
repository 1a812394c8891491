package nl.regie.benchmarks.stream;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Prints the stream benchmark's tables. */
final class StreamReport {

    private final PrintStream out;
    private final StreamBenchmark.Settings settings;
    private final List<String> busRows = new ArrayList<>();
    private final List<Double> busMedians = new ArrayList<>();
    private final List<String> phaseRows = new ArrayList<>();

    StreamReport(PrintStream out, StreamBenchmark.Settings settings) {
        this.out = out;
        this.settings = settings;
    }

    void busRounds(String clients, List<BusProbe.Round> rounds, double busDrops) {
        double[] rates = rounds.stream().mapToDouble(BusProbe.Round::rate).sorted().toArray();
        double median = rates[rates.length / 2];
        long lost = rounds.stream().mapToLong(BusProbe.Round::lost).sum();
        StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %-14s |", clients));
        for (BusProbe.Round round : rounds) {
            row.append(String.format(Locale.ROOT, " %9s |", rate(round.rate())));
        }
        row.append(String.format(Locale.ROOT, " **%s** | %,d | %,.0f |", rate(median), lost, busDrops));
        busRows.add(row.toString());
        busMedians.add(median);
        out.println("  bus rate with " + clients + " stream clients: " + row);
    }

    void busSummary() {
        out.printf(Locale.ROOT, "%nBus rate: a saturating publisher to one whiteboard subscriber (closed loop, batches of"
                + " %,d), readings/s%n%n", settings.batch());
        StringBuilder head = new StringBuilder("| stream clients |");
        StringBuilder line = new StringBuilder("|---|");
        for (int i = 1; i <= settings.probeRounds(); i++) {
            head.append(" round ").append(i).append(" |");
            line.append("---|");
        }
        out.println(head + " median | probe readings lost | bus drops (any subscriber) |");
        out.println(line + "---|---|---|");
        busRows.forEach(out::println);
        double quiet = (busMedians.get(0) + busMedians.get(2)) / 2;
        out.printf(Locale.ROOT, "%nRatio of the bus rate with %d clients to without (mean of before and after): %.2f%n",
                settings.clients(), busMedians.get(1) / quiet);
    }

    void pacer(Pacer pacer) {
        out.printf(Locale.ROOT, "%nPaced publisher: %,d changes published in all%n", pacer.published());
    }

    /** Adds the row of one phase. {@code cores}: the process's and the client threads' CPU, in cores. */
    void phase(String name, int phase, Pacer pacer, SseClients clients, double[] cores, double busDrops) {
        long from = pacer.phaseStart(phase);
        long to = pacer.phaseStart(phase + 1);
        double seconds = pacer.phaseSeconds(phase);
        long expected = to - from;
        List<SseClient> all = clients.clients();
        lastClients = all;
        double[] rates = new double[all.size()];
        long missing = 0;
        long resyncs = 0;
        long duplicates = 0;
        for (int i = 0; i < all.size(); i++) {
            SseClient client = all.get(i);
            rates[i] = client.events[phase] / seconds;
            missing += client.missing(from, to);
            resyncs += client.resyncs[phase];
            duplicates += client.duplicates[phase];
        }
        Arrays.sort(rates);
        long dropped = all.stream().mapToLong(c -> c.drops[phase]).sum();
        Latencies latencies = clients.latencies(phase);
        phaseRows.add(String.format(Locale.ROOT, "| %s | %.1f | %,.0f/s | %,d | %,.0f / %,.0f / %,.0f | %.1f%% | %s / %s / %s |"
                + " %,d | %d | %,d | %.2f / %.2f | %,.0f |", name, seconds, expected / seconds, expected, rates[0],
                rates[rates.length / 2], rates[rates.length - 1], 100.0 * missing / Math.max(1, expected * all.size()),
                millis(latencies.percentileMillis(0.5)), millis(latencies.percentileMillis(0.99)),
                millis(latencies.maxMillis()), resyncs, dropped, duplicates, cores[0], cores[1], busDrops));
    }

    void phaseTable(long reconnects) {
        out.printf(Locale.ROOT, "%nStream: %d clients on /api/stream?type=StreamBench (plain sockets, %d reader threads,"
                + " every event parsed)%n%n", settings.clients(), settings.clientThreads());
        out.println("| phase | s | published | changes | per-client events/s min / median / max | missed |"
                + " latency ms p50 / p99 / max | resyncs | drops | duplicates | CPU cores process / clients |"
                + " bus drops |");
        out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
        phaseRows.forEach(out::println);
        out.printf(Locale.ROOT, "%nClients dropped by the server in warm-up: %,d; reconnections in the whole run: %,d"
                + " (after %d ms)%n", dropsIn(StreamBenchmark.WARMUP), reconnects, settings.reconnectMillis());
    }

    private List<SseClient> lastClients = List.of();

    private long dropsIn(int phase) {
        return lastClients.stream().mapToLong(c -> c.drops[phase]).sum();
    }

    void metrics(List<String> lines) {
        out.println("\nGET /metrics at the end of streaming (regie_stream_*, and the bus subscribers that dropped readings):");
        if (lines.isEmpty()) {
            out.println("  (none: the runtime in the benchmark jar has no stream metrics)");
        }
        lines.forEach(l -> out.println("  " + l));
    }

    /**
     * Checks that the run measured real traffic (changes parsed, none malformed, and for each client received plus
     * missed equals published in the streaming phase) and says whether every client received at least 95% of them.
     */
    boolean check(List<SseClient> clients, Pacer pacer) {
        long expected = pacer.phaseStart(StreamBenchmark.STREAMING + 1) - pacer.phaseStart(StreamBenchmark.STREAMING);
        long least = clients.stream().mapToLong(c -> c.events[StreamBenchmark.STREAMING]).min().orElse(0);
        long most = clients.stream().mapToLong(c -> c.events[StreamBenchmark.STREAMING]).max().orElse(0);
        long malformed = clients.stream().mapToLong(c -> c.malformed).sum();
        long outOfOrder = clients.stream().mapToLong(c -> c.outOfOrder).sum();
        long bytes = clients.stream().mapToLong(c -> c.bytes).sum();
        long from = pacer.phaseStart(StreamBenchmark.STREAMING);
        boolean consistent = clients.stream().allMatch(c -> c.events[StreamBenchmark.STREAMING]
                + c.missing(from, from + expected) == expected);
        long parsed = clients.stream().mapToLong(c -> Arrays.stream(c.events).sum()).sum();
        boolean ok = parsed > 0 && malformed == 0 && consistent;
        out.printf(Locale.ROOT, "%nCheck: %s (%,d changes parsed in all, received + missed = published for every client: %s);"
                + " every client received at least 95%%: %s. In the streaming phase %,d changes were published and each"
                + " client parsed between %,d and %,d of them (rate x seconds = %,d); %d malformed, %d out of order;"
                + " %,.1f MB read in all%n", ok ? "OK" : "FAILED", parsed, consistent ? "yes" : "NO",
                least >= expected * 0.95 ? "yes" : "NO", expected, least, most,
                (long) (settings.rate() * pacer.phaseSeconds(StreamBenchmark.STREAMING)), malformed, outOfOrder, bytes / 1e6);
        clients.stream().filter(c -> c.ended != null).limit(5)
                .forEach(c -> out.printf(Locale.ROOT, "  client %d ended after %,d bytes, %,d changes and %d resyncs: %s%n",
                        c.index, c.bytes, Arrays.stream(c.events).sum(), Arrays.stream(c.resyncs).sum(), c.ended));
        return ok;
    }

    private static String rate(double perSecond) {
        return perSecond >= 1e6 ? String.format(Locale.ROOT, "%.2f M", perSecond / 1e6)
                : String.format(Locale.ROOT, "%.0f k", perSecond / 1e3);
    }

    private static String millis(double ms) {
        return Double.isNaN(ms) ? "-" : ms < 10 ? String.format(Locale.ROOT, "%.2f", ms) : String.format(Locale.ROOT, "%.0f", ms);
    }
}
