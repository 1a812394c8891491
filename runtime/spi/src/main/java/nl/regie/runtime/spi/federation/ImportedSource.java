package nl.regie.runtime.spi.federation;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code source} of a reading imported from another site: {@code {site}:{party}/{source there}}. A device id or a
 * plugin's symbolic name never holds a '/', so no local source takes this form, and the policy reads the owner
 * ({@code {site}:{party}}) from the source alone.
 */
public final class ImportedSource {

    private static final Pattern FORM = Pattern.compile("([a-z][a-z0-9_-]{0,63}):([a-z][a-z0-9_-]{0,63})/.+");

    private ImportedSource() {
    }

    /** The source of a reading owned by {@code party} of {@code site}, whose source there was {@code source}. */
    public static String of(String site, String party, String source) {
        return site + ':' + party + '/' + source;
    }

    /** The owner {@code {site}:{party}} of an imported reading's source, or null for a local source. */
    public static String party(String source) {
        if (source.indexOf('/') < 0) {
            return null;
        }
        Matcher matcher = FORM.matcher(source);
        return matcher.matches() ? matcher.group(1) + ':' + matcher.group(2) : null;
    }
}
