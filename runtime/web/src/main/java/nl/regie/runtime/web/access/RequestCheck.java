package nl.regie.runtime.web.access;

import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * What a request must be before anything reads it: a method Regie's HTTP API has (never {@code TRACE}, which would echo
 * the caller's bearer token back), and a query string that decodes (every {@code %} followed by two hexadecimal digits,
 * and UTF-8 once decoded). Without this check the servlet container throws on the first parameter a servlet asks for,
 * and the caller gets a 500. Also tells a request the client broke off (a closed connection, a truncated chunked body)
 * from a failure of the runtime's own.
 */
public final class RequestCheck {

    /** The methods Regie's endpoints have; a servlet answers any other with 405 and the methods it has. */
    public static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS");
    /** The {@code Allow} header of a refused {@code TRACE}: the methods the server has at all. */
    static final String ALLOW = "GET, HEAD, POST, PUT, DELETE, OPTIONS";

    private RequestCheck() {
    }

    /**
     * Null for any method but {@code TRACE}, which no Regie path serves: the servlet API's default answer to it echoes
     * the request's headers, bearer token included. Other methods no servlet has are the servlets' to refuse (405 with
     * the methods that path has).
     */
    static String methodRefusal(String method) {
        return "TRACE".equals(method)
                ? "TRACE is not served: it would echo the request's headers, bearer token included" : null;
    }

    /** Null for a query string (as sent, still percent-encoded; null for none) that decodes; else why it does not. */
    static String queryRefusal(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return null;
        }
        ByteBuffer bytes = ByteBuffer.allocate(rawQuery.length() * 3);
        for (int i = 0; i < rawQuery.length(); i++) {
            char c = rawQuery.charAt(i);
            if (c == '%') {
                int high = i + 1 < rawQuery.length() ? Character.digit(rawQuery.charAt(i + 1), 16) : -1;
                int low = i + 2 < rawQuery.length() ? Character.digit(rawQuery.charAt(i + 2), 16) : -1;
                if (high < 0 || low < 0) {
                    String found = rawQuery.substring(i, Math.min(rawQuery.length(), i + 3));
                    return "the query string has a malformed escape '" + printable(found) + "' at character " + (i + 1)
                            + ": each % must be followed by two hexadecimal digits (write a literal % as %25)";
                }
                bytes.put((byte) (high << 4 | low));
                i += 2;
            } else if (c < 0x80) {
                bytes.put((byte) c);
            } else {
                bytes.put(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        bytes.flip();
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes);
            return null;
        } catch (CharacterCodingException e) {
            return "the query string is not UTF-8 once its %-escapes are decoded";
        }
    }

    /** Whether {@code failure} is the client breaking the exchange off (an end of stream somewhere in its causes). */
    static boolean clientGone(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof EOFException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /** Up to 40 characters of what a client sent, with anything unprintable as '?', for a message. */
    private static String printable(String text) {
        String cut = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        return cut.chars().map(c -> c < 0x20 || c > 0x7e ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }
}
