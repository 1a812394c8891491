package nl.regie.simulator;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The simulator's JSON, through one Jackson mapper: payloads are built as Jackson trees and written compactly, with
 * numbers in plain notation (never an exponent); commands are read strictly as RFC 8259 says, into plain Java values.
 *
 * <p>Reading refuses what RFC 8259 does not allow (Jackson's defaults: no trailing commas, leading zeros, single
 * quotes, unquoted names, control characters in strings or NaN) and, beyond Jackson's defaults, duplicate member
 * names, text after the value, numbers beyond a double's range and nesting deeper than {@link #MAX_DEPTH}, with an
 * {@link IllegalArgumentException} that says what and where.
 */
final class JsonCodec {

    /** Deeper documents are refused, so that a hostile payload cannot exhaust the stack. */
    static final int MAX_DEPTH = 32;

    /** Thread-safe once configured; shared by every simulator in the JVM, as Jackson intends a mapper to be. */
    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private JsonCodec() {
    }

    /** A new, empty JSON object. */
    static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** A new, empty JSON array. */
    static ArrayNode array() {
        return JsonNodeFactory.instance.arrayNode();
    }

    /** {@code value} as compact JSON text. */
    static String write(JsonNode value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            // A tree of plain values always serialises.
            throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * {@code value} rounded half up to at most {@code decimals} (0..7) decimals, without trailing zeros; a value
     * that is not finite becomes 0, since JSON has no NaN.
     */
    static BigDecimal rounded(double value, int decimals) {
        if (decimals < 0 || decimals > 7) {
            throw new IllegalArgumentException("decimals must be from 0 to 7");
        }
        if (!Double.isFinite(value)) {
            // Nothing the simulator writes comes near; keep the output valid JSON whatever happens.
            return BigDecimal.ZERO;
        }
        BigDecimal rounded = BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_UP);
        return rounded.signum() == 0 ? BigDecimal.ZERO : rounded.stripTrailingZeros();
    }

    /**
     * Parses one JSON document into {@code Map<String, Object>} (in member order), {@code List<Object>},
     * {@code String}, {@code Double} (every number), {@code Boolean} or {@code null}.
     *
     * @throws IllegalArgumentException naming the problem and where it is
     */
    static Object parse(byte[] json) {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(problem(e), e);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        if (tree == null || tree.isMissingNode()) {
            throw new IllegalArgumentException("no JSON value");
        }
        return plain(tree);
    }

    /** Jackson's message without its source excerpt, followed by the line and column. */
    private static String problem(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        int detail = message.indexOf(" (start marker at ");
        if (detail >= 0) {
            message = message.substring(0, detail);
        }
        message = message.lines().findFirst().orElse("malformed JSON");
        JsonLocation where = e.getLocation();
        return where == null || where.getLineNr() < 1 ? message
                : message + " at line " + where.getLineNr() + ", column " + where.getColumnNr();
    }

    private static Object plain(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> members = new LinkedHashMap<>();
            node.fields().forEachRemaining(member -> members.put(member.getKey(), plain(member.getValue())));
            return Collections.unmodifiableMap(members);
        }
        if (node.isArray()) {
            List<Object> items = new ArrayList<>(node.size());
            node.forEach(item -> items.add(plain(item)));
            return Collections.unmodifiableList(items);
        }
        if (node.isNumber()) {
            double value = node.doubleValue();
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException("number out of range: " + node);
            }
            return value;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        return null;
    }
}
