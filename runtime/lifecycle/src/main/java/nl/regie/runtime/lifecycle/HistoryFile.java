package nl.regie.runtime.lifecycle;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import nl.regie.runtime.spi.lifecycle.HistoryEntry;
import nl.regie.runtime.spi.lifecycle.Outcome;
import nl.regie.runtime.spi.lifecycle.Outcome.Operation;
import nl.regie.runtime.spi.lifecycle.Outcome.Result;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A plugin's {@code history.json}: its entries, oldest first, each an outcome and the checksum of the jar that ran
 * after it. The JSON shape is written out here field by field (instants as ISO-8601 text, the gap as an ISO-8601
 * duration), so it does not change when a record gains a component, and older files stay readable.
 */
final class HistoryFile {

    /** The format version written into the file. */
    static final int FORMAT = 1;

    private final ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Reads a history file. */
    List<HistoryEntry> read(Path file) throws IOException {
        JsonNode root = mapper.readTree(file.toFile());
        List<HistoryEntry> entries = new ArrayList<>();
        for (JsonNode entry : root.path("entries")) {
            entries.add(entry(root.path("symbolicName").asText(), entry));
        }
        return entries;
    }

    /** Writes a history file, replacing the old one in one step so a crash never leaves half a file. */
    void write(Path file, String symbolicName, List<HistoryEntry> entries) throws IOException {
        ObjectNode root = mapper.createObjectNode();
        root.put("format", FORMAT);
        root.put("symbolicName", symbolicName);
        ArrayNode array = root.putArray("entries");
        for (HistoryEntry entry : entries) {
            array.add(json(entry));
        }
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        mapper.writeValue(temporary.toFile(), root);
        try {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private ObjectNode json(HistoryEntry entry) {
        Outcome outcome = entry.outcome();
        ObjectNode json = mapper.createObjectNode();
        json.put("operation", outcome.operation().name());
        json.put("result", outcome.result().name());
        json.put("fromVersion", outcome.fromVersion());
        json.put("toVersion", outcome.toVersion());
        json.put("reason", outcome.reason());
        json.put("held", outcome.held());
        json.put("dropped", outcome.dropped());
        json.put("gap", outcome.gap().toString());
        ArrayNode leaks = json.putArray("leaks");
        outcome.leaks().forEach(leaks::add);
        json.put("origin", outcome.origin());
        json.put("at", outcome.at().toString());
        json.put("sha256", entry.sha256());
        return json;
    }

    private static HistoryEntry entry(String symbolicName, JsonNode json) {
        List<String> leaks = new ArrayList<>();
        json.path("leaks").forEach(leak -> leaks.add(leak.asText()));
        Outcome outcome = new Outcome(symbolicName, Operation.valueOf(json.path("operation").asText()),
                Result.valueOf(json.path("result").asText()), text(json, "fromVersion"), text(json, "toVersion"),
                json.path("reason").asText(""), json.path("held").asLong(), json.path("dropped").asLong(),
                Duration.parse(json.path("gap").asText("PT0S")), List.copyOf(leaks), json.path("origin").asText(""),
                Instant.parse(json.path("at").asText()));
        return new HistoryEntry(outcome, text(json, "sha256"));
    }

    private static String text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
