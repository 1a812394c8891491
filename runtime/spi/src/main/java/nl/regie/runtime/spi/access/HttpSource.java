package nl.regie.runtime.spi.access;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code source} of a reading an HTTP caller published (the NGSI-LD API's writes): {@code {party}@http/{token}}.
 * A device id or a plugin's symbolic name never holds a '/', and an imported source ({@code site:party/...}) has no
 * '@' before its '/', so no other source takes this form, and the policy reads the owner, the token's party, from the
 * source alone.
 */
public final class HttpSource {

    private static final Pattern FORM = Pattern.compile("([a-z][a-z0-9_-]{0,63})@http/(.+)");

    private HttpSource() {
    }

    /** The source of what the token {@code tokenName} of {@code party} publishes. */
    public static String of(String party, String tokenName) {
        return party + "@http/" + tokenName;
    }

    /** The party of an HTTP caller's source, or null for any other source. */
    public static String party(String source) {
        if (!source.contains("@http/")) {
            return null;
        }
        Matcher matcher = FORM.matcher(source);
        return matcher.matches() ? matcher.group(1) : null;
    }
}
