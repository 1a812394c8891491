package nl.regie.simulator;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Just enough JSON for the simulator, with no library on the launcher's class path: writing strings and
 * numbers into a {@link StringBuilder}, and a strict RFC 8259 parser for the commands devices receive.
 *
 * <p>The parser returns {@code Map<String, Object>} (in member order), {@code List<Object>}, {@code String},
 * {@code Double}, {@code Boolean} or {@code null}; it refuses anything RFC 8259 does not allow (trailing
 * commas, leading zeros, single quotes, control characters in strings, duplicate member names, text after the
 * value) with a {@link IllegalArgumentException} that says what and where.
 */
final class Json {

    /** Deeper documents are refused, so that a hostile payload cannot exhaust the stack. */
    static final int MAX_DEPTH = 32;

    private static final long[] POWERS = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000};

    private Json() {
    }

    /** Appends {@code text} as a JSON string, quoted and escaped. */
    static StringBuilder string(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"');
    }

    /**
     * Appends {@code value} rounded to at most {@code decimals} (0..7) decimals, without trailing zeros and never
     * in exponent notation; a value that is not finite is written as 0, since JSON has no NaN.
     */
    static StringBuilder number(StringBuilder out, double value, int decimals) {
        if (decimals < 0 || decimals >= POWERS.length) {
            throw new IllegalArgumentException("decimals must be from 0 to " + (POWERS.length - 1));
        }
        if (!Double.isFinite(value) || Math.abs(value) > 9e11) {
            // Nothing the simulator writes comes near; keep the output valid JSON whatever happens.
            return out.append(Double.isFinite(value) ? Long.toString(Math.round(value)) : "0");
        }
        long scale = POWERS[decimals];
        long scaled = Math.round(value * scale);
        if (scaled < 0) {
            out.append('-');
            scaled = -scaled;
        }
        out.append(scaled / scale);
        long fraction = scaled % scale;
        if (fraction != 0) {
            int digits = decimals;
            while (fraction % 10 == 0) {
                fraction /= 10;
                digits--;
            }
            out.append('.');
            String text = Long.toString(fraction);
            for (int i = text.length(); i < digits; i++) {
                out.append('0');
            }
            out.append(text);
        }
        return out;
    }

    /** Parses one JSON document; throws {@link IllegalArgumentException} naming the problem and its offset. */
    static Object parse(String text) {
        Parser parser = new Parser(text);
        parser.skipSpace();
        Object value = parser.value(0);
        parser.skipSpace();
        if (parser.pos != text.length()) {
            throw parser.error("unexpected text after the JSON value");
        }
        return value;
    }

    private static final class Parser {
        private final String text;
        private int pos;

        Parser(String text) {
            this.text = text;
        }

        Object value(int depth) {
            if (depth > MAX_DEPTH) {
                throw error("nested deeper than " + MAX_DEPTH + " levels");
            }
            if (pos >= text.length()) {
                throw error("unexpected end of input");
            }
            char c = text.charAt(pos);
            return switch (c) {
                case '{' -> object(depth);
                case '[' -> array(depth);
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        yield number();
                    }
                    throw error("unexpected character '" + c + "'");
                }
            };
        }

        private Map<String, Object> object(int depth) {
            pos++;
            Map<String, Object> members = new LinkedHashMap<>();
            skipSpace();
            if (peek() == '}') {
                pos++;
                return Collections.unmodifiableMap(members);
            }
            while (true) {
                skipSpace();
                if (peek() != '"') {
                    throw error("expected a member name in quotes");
                }
                String name = string();
                if (members.containsKey(name)) {
                    throw error("duplicate member \"" + name + "\"");
                }
                skipSpace();
                expect(':');
                skipSpace();
                members.put(name, value(depth + 1));
                skipSpace();
                char c = next("',' or '}'");
                if (c == '}') {
                    return Collections.unmodifiableMap(members);
                }
                if (c != ',') {
                    pos--;
                    throw error("expected ',' or '}'");
                }
            }
        }

        private List<Object> array(int depth) {
            pos++;
            List<Object> items = new ArrayList<>();
            skipSpace();
            if (peek() == ']') {
                pos++;
                return Collections.unmodifiableList(items);
            }
            while (true) {
                skipSpace();
                items.add(value(depth + 1));
                skipSpace();
                char c = next("',' or ']'");
                if (c == ']') {
                    return Collections.unmodifiableList(items);
                }
                if (c != ',') {
                    pos--;
                    throw error("expected ',' or ']'");
                }
            }
        }

        private String string() {
            pos++;
            StringBuilder out = new StringBuilder();
            while (true) {
                char c = next("'\"'");
                if (c == '"') {
                    return out.toString();
                }
                if (c < 0x20) {
                    pos--;
                    throw error("control character in a string");
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char e = next("an escape");
                switch (e) {
                    case '"', '\\', '/' -> out.append(e);
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        if (pos + 4 > text.length()) {
                            throw error("unfinished \\u escape");
                        }
                        int code = 0;
                        for (int i = 0; i < 4; i++) {
                            int digit = Character.digit(text.charAt(pos++), 16);
                            if (digit < 0) {
                                pos--;
                                throw error("bad hex digit in a \\u escape");
                            }
                            code = code * 16 + digit;
                        }
                        out.append((char) code);
                    }
                    default -> {
                        pos--;
                        throw error("bad escape '\\" + e + "'");
                    }
                }
            }
        }

        private Double number() {
            int start = pos;
            if (peek() == '-') {
                pos++;
            }
            if (peek() == '0') {
                pos++;
            } else if (!digits()) {
                throw error("expected a digit");
            }
            if (peek() == '.') {
                pos++;
                if (!digits()) {
                    throw error("expected a digit after '.'");
                }
            }
            if (peek() == 'e' || peek() == 'E') {
                pos++;
                if (peek() == '+' || peek() == '-') {
                    pos++;
                }
                if (!digits()) {
                    throw error("expected a digit in the exponent");
                }
            }
            if (peek() >= '0' && peek() <= '9') {
                throw error("leading zero in a number");
            }
            double value = Double.parseDouble(text.substring(start, pos));
            if (!Double.isFinite(value)) {
                throw error("number out of range");
            }
            return value;
        }

        private boolean digits() {
            int start = pos;
            while (peek() >= '0' && peek() <= '9') {
                pos++;
            }
            return pos > start;
        }

        private Object literal(String word, Object value) {
            if (!text.startsWith(word, pos)) {
                throw error("unexpected character '" + text.charAt(pos) + "'");
            }
            pos += word.length();
            return value;
        }

        void skipSpace() {
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                    return;
                }
                pos++;
            }
        }

        private char peek() {
            return pos < text.length() ? text.charAt(pos) : '\0';
        }

        private char next(String expected) {
            if (pos >= text.length()) {
                throw error("unexpected end of input, expected " + expected);
            }
            return text.charAt(pos++);
        }

        private void expect(char c) {
            if (peek() != c) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        IllegalArgumentException error(String problem) {
            return new IllegalArgumentException(problem + " at offset " + pos);
        }
    }
}
