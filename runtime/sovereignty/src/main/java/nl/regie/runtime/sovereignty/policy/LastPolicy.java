package nl.regie.runtime.sovereignty.policy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The last policy applied, kept as JSON in {@code <state dir>/policy/applied.json}. If the configured policy is
 * refused when the runtime starts, this one applies instead, so a mistake made while the runtime was down does
 * not silently make everything the default party's.
 */
final class LastPolicy {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<String> KEYS = List.of(PolicyParser.DEFAULT_PARTY, PolicyParser.KEYS,
            PolicyParser.DEVICES, PolicyParser.PERSONAL, PolicyParser.GRANTS, PolicyParser.SERVICES);

    private final Path file;

    /** The last policy in {@code folder}. */
    LastPolicy(Path folder) {
        this.file = folder.resolve("applied.json");
    }

    Path file() {
        return file;
    }

    /** Keeps the policy keys of properties that were just applied; each list as a list of its elements. */
    void save(Map<String, ?> properties) throws IOException, PolicyException {
        Map<String, Object> kept = new LinkedHashMap<>();
        Object defaultParty = properties.get(PolicyParser.DEFAULT_PARTY);
        if (defaultParty != null) {
            kept.put(PolicyParser.DEFAULT_PARTY, defaultParty);
        }
        for (String key : KEYS.subList(1, KEYS.size())) {
            kept.put(key, PolicyParser.elements(properties, key));
        }
        Files.createDirectories(file.getParent());
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        MAPPER.writerWithDefaultPrettyPrinter().writeValue(temporary.toFile(), kept);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The policy kept last, if there is one. */
    Optional<Map<String, Object>> load() throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        return Optional.of(MAPPER.readValue(file.toFile(), new TypeReference<LinkedHashMap<String, Object>>() { }));
    }
}
