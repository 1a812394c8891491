package nl.regie.runtime.ngsild.query;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import nl.regie.runtime.ngsild.problem.NgsiLdException;
import nl.regie.runtime.ngsild.query.QQuery.Op;

/**
 * The parser of the NGSI-LD query language ({@code q}, ETSI GS CIM 009 clause 4.9), strict: every error is an
 * InvalidRequest that names the character where the expression went wrong and what was expected there.
 *
 * <pre>
 * Query     = Or
 * Or        = And *("|" And)              ; and binds tighter than or
 * And       = Factor *(";" Factor)
 * Factor    = "(" Or ")" / Term
 * Term      = Attribute [Operator Value]  ; without an operator: the attribute exists
 * Attribute = name ["." ("observedAt" / "unitCode" / name)] ["[" name "]"]
 * Operator  = "==" / "!=" / ">=" / ">" / "<=" / "<" / "~=" / "!~="
 * Value     = number / quoted string / true / false / dateTime / list "a,b" / range "a..b" / URI ; lists and ranges
 *             only with == and !=
 * </pre>
 *
 * Bounded: at most {@value #MAX_LENGTH} characters, {@value #MAX_TERMS} terms and {@value #MAX_DEPTH} nested
 * parentheses; a pattern at most {@value #MAX_PATTERN} characters.
 */
public final class QParser {

    public static final int MAX_LENGTH = 2_000;
    public static final int MAX_TERMS = 100;
    public static final int MAX_DEPTH = 16;
    public static final int MAX_PATTERN = 256;
    private static final Set<String> KNOWN_PATHS = Set.of("observedAt", "unitCode");

    private final String text;
    private final QQuery.Names names;
    private int at;
    private int terms;
    private int depth;

    private QParser(String text, QQuery.Names names) {
        this.text = text;
        this.names = names;
    }

    /**
     * Parses a {@code q} expression.
     *
     * @param names takes an attribute name as the caller wrote it to Regie's name, or null when Regie has none
     * @throws NgsiLdException InvalidRequest saying where and why it does not parse, or which bound it passes
     */
    public static QQuery parse(String q, QQuery.Names names) {
        if (q.length() > MAX_LENGTH) {
            throw NgsiLdException.invalid("q may be at most " + MAX_LENGTH + " characters, has " + q.length());
        }
        if (q.isBlank()) {
            throw NgsiLdException.invalid("q is empty");
        }
        QParser parser = new QParser(q, names);
        QQuery query = parser.or();
        if (parser.at < q.length()) {
            throw parser.error(q.charAt(parser.at) == ')' ? "a ')' without its '('" : "';', '|' or the end");
        }
        return query;
    }

    private QQuery or() {
        List<QQuery> any = new ArrayList<>();
        any.add(and());
        while (peek('|')) {
            at++;
            any.add(and());
        }
        return any.size() == 1 ? any.get(0) : new QQuery.Or(List.copyOf(any));
    }

    private QQuery and() {
        List<QQuery> all = new ArrayList<>();
        all.add(factor());
        while (peek(';')) {
            at++;
            all.add(factor());
        }
        return all.size() == 1 ? all.get(0) : new QQuery.And(List.copyOf(all));
    }

    private QQuery factor() {
        if (peek('(')) {
            if (++depth > MAX_DEPTH) {
                throw NgsiLdException.invalid("q nests parentheses deeper than " + MAX_DEPTH);
            }
            at++;
            QQuery inner = or();
            if (!peek(')')) {
                throw error("')' to close the '(' before it");
            }
            at++;
            depth--;
            return inner;
        }
        return term();
    }

    private QQuery term() {
        if (++terms > MAX_TERMS) {
            throw NgsiLdException.invalid("q may have at most " + MAX_TERMS + " terms");
        }
        int start = at;
        String name = name();
        if (name.isEmpty()) {
            throw error("an attribute name");
        }
        String path = null;
        boolean compound = false;
        if (peek('.')) {
            at++;
            path = name();
            if (path.isEmpty()) {
                throw error("a sub-attribute name after '.'");
            }
        }
        if (peek('[')) {
            at++;
            if (name().isEmpty() || !peek(']')) {
                throw error("a name and ']' in the compound attribute '" + text.substring(start, at) + "'");
            }
            at++;
            compound = true;
        }
        // A compound member or an unknown sub-attribute is never a value Regie holds: the term matches nothing.
        String attribute = compound || (path != null && !KNOWN_PATHS.contains(path)) ? null : names.apply(name);
        Op op = operator();
        if (op == Op.EXISTS) {
            return new QQuery.Term(attribute, path, op, List.of(), null, null, null);
        }
        int valueStart = at;
        String raw = rawValue();
        if (raw.isEmpty()) {
            throw error("a value after the operator");
        }
        if (op == Op.MATCHES || op == Op.NOT_MATCHES) {
            return new QQuery.Term(attribute, path, op, List.of(), null, null, pattern(raw, valueStart));
        }
        int dots = indexOutsideQuotes(raw, "..");
        if (dots >= 0) {
            if (op != Op.EQ && op != Op.NE) {
                throw errorAt(valueStart, "a range 'a..b' only with == or !=");
            }
            Object low = comparable(raw.substring(0, dots), valueStart);
            Object high = comparable(raw.substring(dots + 2), valueStart + dots + 2);
            return new QQuery.Term(attribute, path, op, List.of(), low, high, null);
        }
        List<String> parts = splitOutsideQuotes(raw);
        if (parts.size() > 1 && op != Op.EQ && op != Op.NE) {
            throw errorAt(valueStart, "a list 'a,b' only with == or !=");
        }
        List<Object> values = new ArrayList<>();
        int offset = valueStart;
        for (String part : parts) {
            values.add(op == Op.EQ || op == Op.NE ? value(part, offset) : comparable(part, offset));
            offset += part.length() + 1;
        }
        return new QQuery.Term(attribute, path, op, List.copyOf(values), null, null, null);
    }

    private String name() {
        int start = at;
        while (at < text.length()) {
            char c = text.charAt(at);
            if (Character.isLetterOrDigit(c) || c == '_' || c == ':' || c == '-' || c == '/' || c == '#') {
                at++;
            } else {
                break;
            }
        }
        return text.substring(start, at);
    }

    private Op operator() {
        if (at >= text.length() || text.charAt(at) == ';' || text.charAt(at) == '|' || text.charAt(at) == ')') {
            return Op.EXISTS;
        }
        for (String[] candidate : new String[][] {{"==", "EQ"}, {"!=", "NE"}, {"!~=", "NOT_MATCHES"}, {"~=", "MATCHES"},
                {">=", "GE"}, {"<=", "LE"}, {">", "GT"}, {"<", "LT"}}) {
            if (text.startsWith(candidate[0], at)) {
                at += candidate[0].length();
                return Op.valueOf(candidate[1]);
            }
        }
        throw error("an operator (==, !=, >, >=, <, <=, ~=, !~=), ';', '|', ')' or the end");
    }

    /** The value's text: up to a ';', '|' or ')' outside quotes, or the end. */
    private String rawValue() {
        int start = at;
        boolean quoted = false;
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '\\' && quoted) {
                at++;
            } else if (!quoted && (c == ';' || c == '|' || c == ')')) {
                break;
            }
            at++;
        }
        if (quoted) {
            throw errorAt(start, "a closing '\"' for the string that begins here");
        }
        return text.substring(start, Math.min(at, text.length()));
    }

    private Pattern pattern(String raw, int position) {
        String regex = raw.startsWith("\"") && raw.endsWith("\"") && raw.length() >= 2 ? unquote(raw) : raw;
        if (regex.length() > MAX_PATTERN) {
            throw errorAt(position, "a pattern of at most " + MAX_PATTERN + " characters");
        }
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw NgsiLdException.invalid("q: the pattern at character " + (position + 1) + " is not a regular"
                    + " expression: " + e.getDescription());
        }
    }

    /** A value to compare with {@code >}, {@code <} and in ranges: a number, a quoted string or a dateTime. */
    private Object comparable(String raw, int position) {
        Object value = value(raw, position);
        if (value instanceof Boolean || value instanceof Uri) {
            throw errorAt(position, "a number, a quoted string or a dateTime to compare with, not '" + raw + "'");
        }
        return value;
    }

    /** A value: a quoted string, true or false, a number, a dateTime, or else a URI (compared as text). */
    private Object value(String raw, int position) {
        if (raw.startsWith("\"")) {
            if (raw.length() < 2 || !raw.endsWith("\"")) {
                throw errorAt(position, "a quoted string to end with '\"'");
            }
            return unquote(raw);
        }
        if (raw.equals("true") || raw.equals("false")) {
            return Boolean.valueOf(raw);
        }
        char first = raw.charAt(0);
        if (Character.isDigit(first) || first == '-' || first == '+' || first == '.') {
            try {
                return Double.valueOf(raw);
            } catch (NumberFormatException e) {
                try {
                    return Instant.parse(raw);
                } catch (DateTimeParseException notADate) {
                    throw errorAt(position, "a number or a dateTime, not '" + raw + "'");
                }
            }
        }
        if (raw.indexOf(':') > 0 && !raw.contains(" ")) {
            return new Uri(raw);
        }
        throw errorAt(position, "a number, a quoted string, true, false, a dateTime or a URI, not '" + raw + "'");
    }

    private static String unquote(String raw) {
        StringBuilder out = new StringBuilder(raw.length());
        for (int i = 1; i < raw.length() - 1; i++) {
            char c = raw.charAt(i);
            if (c == '\\' && i + 1 < raw.length() - 1) {
                c = raw.charAt(++i);
            }
            out.append(c);
        }
        return out.toString();
    }

    private static int indexOutsideQuotes(String raw, String what) {
        boolean quoted = false;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && raw.startsWith(what, i)) {
                return i;
            }
        }
        return -1;
    }

    private static List<String> splitOutsideQuotes(String raw) {
        List<String> parts = new ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && c == ',') {
                parts.add(raw.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(raw.substring(start));
        return parts;
    }

    private boolean peek(char c) {
        return at < text.length() && text.charAt(at) == c;
    }

    private NgsiLdException error(String expected) {
        return errorAt(at, expected);
    }

    private NgsiLdException errorAt(int position, String expected) {
        String found = position >= text.length() ? "the end" : "'" + text.charAt(position) + "'";
        return NgsiLdException.invalid("q: expected " + expected + " at character " + (position + 1) + " (found "
                + found + ") of '" + (text.length() > 200 ? text.substring(0, 200) + "..." : text) + "'");
    }

    /** A bare URI as a value: equal only to the same text. */
    record Uri(String text) {
    }
}
