package nl.regie.runtime.ngsild.query;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

import nl.regie.api.model.Value;
import nl.regie.api.state.AttributeState;
import nl.regie.api.state.EntityState;
import nl.regie.runtime.ngsild.model.UnitCodes;

/**
 * A parsed NGSI-LD query language expression ({@code q}, clause 4.9): terms joined by {@code ;} (and) and {@code |}
 * (or), and binding tighter than or, grouped by parentheses. Made by {@link QParser}; tests entities of the city state.
 */
public sealed interface QQuery permits QQuery.And, QQuery.Or, QQuery.Term {

    /** Whether the entity matches. */
    boolean test(EntityState entity);

    /** Every sub-expression holds. */
    record And(List<QQuery> all) implements QQuery {
        @Override
        public boolean test(EntityState entity) {
            for (QQuery q : all) {
                if (!q.test(entity)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Some sub-expression holds. */
    record Or(List<QQuery> any) implements QQuery {
        @Override
        public boolean test(EntityState entity) {
            for (QQuery q : any) {
                if (q.test(entity)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The operators of a term; {@code EXISTS} is a term without one. */
    enum Op {
        EXISTS, EQ, NE, GT, GE, LT, LE, MATCHES, NOT_MATCHES
    }

    /**
     * One term: an attribute (a Regie name, or null when the caller's name has none, which no entity has), what of it
     * ({@code path}: null for its value, {@code observedAt} or {@code unitCode}), the operator and what it compares
     * with: a single value, a list (any of them), a range (inclusive), or a pattern.
     */
    record Term(String attribute, String path, Op op, List<Object> values, Object low, Object high, Pattern pattern)
            implements QQuery {

        @Override
        public boolean test(EntityState entity) {
            if (attribute == null) {
                return false;
            }
            AttributeState state = entity.attributes().get(attribute);
            if (state == null) {
                return false;
            }
            Object actual = actual(state);
            if (actual == null) {
                return false;
            }
            return switch (op) {
                case EXISTS -> true;
                case EQ -> equalsAny(actual);
                case NE -> !equalsAny(actual);
                case GT -> compare(actual, values.get(0)).map(c -> c > 0).orElse(false);
                case GE -> compare(actual, values.get(0)).map(c -> c >= 0).orElse(false);
                case LT -> compare(actual, values.get(0)).map(c -> c < 0).orElse(false);
                case LE -> compare(actual, values.get(0)).map(c -> c <= 0).orElse(false);
                case MATCHES -> actual instanceof String text && BoundedMatch.find(pattern, text);
                case NOT_MATCHES -> actual instanceof String text && !BoundedMatch.find(pattern, text);
            };
        }

        private Object actual(AttributeState state) {
            if (path == null) {
                Value value = state.value();
                return value.asObject();
            }
            return switch (path) {
                case "observedAt" -> state.observedAt();
                case "unitCode" -> UnitCodes.codeOf(state.unit());
                default -> null;
            };
        }

        private boolean equalsAny(Object actual) {
            if (low != null) {
                Optional<Integer> above = compare(actual, low);
                Optional<Integer> below = compare(actual, high);
                return above.isPresent() && below.isPresent() && above.get() >= 0 && below.get() <= 0;
            }
            for (Object expected : values) {
                if (compare(actual, expected).map(c -> c == 0).orElse(false)) {
                    return true;
                }
            }
            return false;
        }

        /** How the actual value compares with the expected one, or empty when they are of kinds that do not compare. */
        static Optional<Integer> compare(Object actual, Object expected) {
            if (expected instanceof QParser.Uri uri) {
                return actual instanceof String a ? Optional.of(a.equals(uri.text()) ? 0 : 1) : Optional.empty();
            }
            if (actual instanceof Double a && expected instanceof Double e) {
                return Optional.of(Double.compare(a, e));
            }
            if (actual instanceof Boolean a && expected instanceof Boolean e) {
                return Optional.of(a.equals(e) ? 0 : 1);
            }
            if (expected instanceof Instant e) {
                Instant a = actual instanceof Instant i ? i : actual instanceof String s ? instant(s) : null;
                return a == null ? Optional.empty() : Optional.of(a.compareTo(e));
            }
            if (actual instanceof String a && expected instanceof String e) {
                return Optional.of(Integer.signum(a.compareTo(e)));
            }
            return Optional.empty();
        }

        private static Instant instant(String text) {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                return null;
            }
        }
    }

    /** A query's attribute names taken to Regie's names: kept as a function so the parser needs no context. */
    interface Names extends UnaryOperator<String> {
    }
}
