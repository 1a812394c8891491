package nl.regie.runtime.pub.cap;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

import nl.regie.api.model.Location;

/** The text forms CAP 1.2 and Atom ask for: times, identifiers, circles and escaped XML. */
final class CapText {

    /** CAP's dateTime: seconds, and an offset written {@code +00:00} (never {@code Z}). */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private CapText() {
    }

    /** A time as CAP writes it. */
    static String time(Instant instant) {
        return TIME.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    /** Why a text cannot be a CAP identifier or sender (CAP 1.2, 3.2.1), or null when it can. */
    static String idProblem(String name, String value) {
        if (value == null || value.isEmpty()) {
            return name + " is required";
        }
        for (char c : value.toCharArray()) {
            if (Character.isWhitespace(c) || c == ',' || c == '<' || c == '&') {
                return name + " '" + value + "' must not contain spaces, commas, '<' or '&' (CAP 1.2, 3.2.1)";
            }
        }
        return null;
    }

    /** A circle as CAP writes it: {@code lat,lon radius}, the radius in kilometres. */
    static String circle(Location center, double radiusMetres) {
        return String.format(Locale.ROOT, "%.6f,%.6f %.3f", center.latitude(), center.longitude(), radiusMetres / 1000);
    }

    /** Escapes text for XML content and attribute values, dropping characters XML 1.0 cannot hold. */
    static String xml(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                default -> {
                    if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') {
                        if (c != 0xFFFE && c != 0xFFFF) {
                            out.append(c);
                        }
                    }
                }
            }
        }
        return out.toString();
    }
}
