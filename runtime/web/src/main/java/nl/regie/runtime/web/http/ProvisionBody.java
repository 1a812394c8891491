package nl.regie.runtime.web.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The body of {@code POST /api/devices}: which devices to give credentials. JSON ({@code application/json}), either
 * {@code {"id": "bin-900"}} for one device or {@code {"ids": ["bin-900", "bin-901"]}} for many; or, for many, plain text
 * ({@code text/plain}): one device id a line, blank lines and lines beginning with {@code #} skipped, so that a file of
 * ids can be sent as it is. Whether each id may have credentials is the credential store's to say.
 */
final class ProvisionBody {

    private static final Set<String> FIELDS = Set.of("id", "ids");

    /**
     * What was asked for.
     *
     * @param ids  the device ids, in the order given
     * @param many whether the body asked for a list ({@code ids} or text), so the answer is a list too
     */
    record Request(List<String> ids, boolean many) {
    }

    private ProvisionBody() {
    }

    /**
     * Reads a JSON body.
     *
     * @throws IllegalArgumentException saying what is wrong, naming the field
     */
    static Request json(ObjectMapper mapper, byte[] body) {
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the body is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("the body cannot be read: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the body must be a JSON object: {\"id\": \"<device id>\"} or"
                    + " {\"ids\": [\"<device id>\", ...]}");
        }
        List<String> unknown = new ArrayList<>();
        root.fieldNames().forEachRemaining(name -> {
            if (!FIELDS.contains(name)) {
                unknown.add(name);
            }
        });
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown field(s) " + unknown + "; known are " + new TreeSet<>(FIELDS));
        }
        JsonNode id = root.get("id");
        JsonNode ids = root.get("ids");
        if ((id == null) == (ids == null)) {
            throw new IllegalArgumentException("give either 'id' (one device) or 'ids' (a list of devices)");
        }
        if (id != null) {
            if (!id.isTextual()) {
                throw new IllegalArgumentException("'id' must be a text");
            }
            return new Request(List.of(id.textValue()), false);
        }
        if (!ids.isArray()) {
            throw new IllegalArgumentException("'ids' must be a list of texts");
        }
        List<String> list = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            if (!ids.get(i).isTextual()) {
                throw new IllegalArgumentException("'ids' element " + i + " must be a text");
            }
            list.add(ids.get(i).textValue());
        }
        return new Request(list, true);
    }

    /**
     * Reads a plain-text body: one id a line.
     *
     * @throws IllegalArgumentException when it is not UTF-8, or a line holds more than one word
     */
    static Request text(byte[] body) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the body is not UTF-8 text", e);
        }
        List<String> ids = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("line " + (i + 1) + " holds more than a device id: '" + line + "'");
            }
            ids.add(line);
        }
        return new Request(ids, true);
    }
}
