package nl.regie.runtime.sovereignty.policy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import nl.regie.runtime.spi.bus.TopicFilter;
import nl.regie.runtime.spi.policy.AccessPolicy;
import nl.regie.runtime.spi.policy.JarSignatures;
import nl.regie.runtime.spi.policy.ServiceKinds;

/**
 * Reads a policy from configuration properties (see {@link PolicyComponent.Config} for the format). Every problem is
 * a {@link PolicyException} naming the key, the element and what is wrong; nothing is applied from a policy with a
 * problem. Keys the policy does not know (ConfigAdmin's own, such as {@code service.pid}) are ignored.
 */
final class PolicyParser {

    static final String DEFAULT_PARTY = "defaultParty";
    /** The rule that named plugins' parties by symbolic name, before parties came from keys: refused, pointing to keys. */
    static final String PLUGINS = "plugins";
    static final String KEYS = "keys";
    static final String DEVICES = "devices";
    static final String PERSONAL = "personal";
    static final String GRANTS = "grants";
    static final String SERVICES = "services";
    static final String SITES = "sites";
    static final String EXPORTS = "exports";
    static final String IMPORTS = "imports";

    /** Largest grid or zone in metres: 100 km. */
    static final int MAX_CELL_METRES = 100_000;

    private static final Pattern PARTY = Pattern.compile("[a-z][a-z0-9_-]{0,63}");
    private static final String PARTY_RULE = "a lower-case letter, then lower-case letters, digits, '_' or '-' (at most 64)";
    private static final Pattern SOURCE_PATTERN = Pattern.compile("[A-Za-z0-9._:*?-]{1,256}");

    private PolicyParser() {
    }

    /** The policy the properties describe, as {@code version}. */
    static Policy parse(Map<String, ?> properties, long version) throws PolicyException {
        String defaultParty = defaultParty(properties.get(DEFAULT_PARTY));
        if (!elements(properties, PLUGINS).isEmpty()) {
            throw new PolicyException("policy plugins: a plugin's party no longer comes from its symbolic name but from"
                    + " the key that signed its jar; list each trusted key under keys = {party} sha256:<fingerprint>"
                    + " (keytool -list -v shows a key's SHA256 fingerprint) and remove the plugins rule");
        }
        List<KeyRule> keys = keys(elements(properties, KEYS));
        List<PartyRule> devices = rules(DEVICES, "{deviceId}={party}", elements(properties, DEVICES));
        List<TopicFilter> personal = new ArrayList<>();
        for (String element : elements(properties, PERSONAL)) {
            personal.add(filter(PERSONAL, element, element));
        }
        Set<String> sites = sites(elements(properties, SITES));
        List<Grant> grants = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String element : elements(properties, GRANTS)) {
            Grant grant = grant(GRANTS, element, sites);
            if (!seen.add(grant.owner() + '>' + grant.reader() + ' ' + grant.filter())) {
                throw new PolicyException("policy grants: '" + element + "' repeats the topic filter " + grant.filter()
                        + " for " + grant.owner() + ">" + grant.reader() + "; give each filter once");
            }
            grants.add(grant);
        }
        List<ServiceRule> services = new ArrayList<>();
        for (String element : elements(properties, SERVICES)) {
            services.add(service(element));
        }
        Federation federation = FederationParser.parse(version, sites, elements(properties, EXPORTS),
                elements(properties, IMPORTS));
        return new Policy(version, defaultParty, keys, devices, personal, grants, services, Map.of(), federation);
    }

    /** The {@code sites} list: the remote sites the other rules may name, each once. */
    private static Set<String> sites(List<String> elements) throws PolicyException {
        Set<String> sites = new java.util.LinkedHashSet<>();
        for (String element : elements) {
            if (!sites.add(party(SITES, "'" + element + "'", element))) {
                throw new PolicyException("policy sites: '" + element + "' is given more than once");
            }
        }
        return sites;
    }

    private static String defaultParty(Object value) throws PolicyException {
        if (value == null) {
            return AccessPolicy.DEFAULT_PARTY;
        }
        if (!(value instanceof String text)) {
            throw new PolicyException("policy defaultParty must be one party name, was " + describe(value));
        }
        return party(DEFAULT_PARTY, "'" + text + "'", text.strip());
    }

    /** The elements of a list key: a String (comma-separated), a String[] or a Collection of Strings. */
    static List<String> elements(Map<String, ?> properties, String key) throws PolicyException {
        Object value = properties.get(key);
        List<String> raw;
        if (value == null) {
            return List.of();
        } else if (value instanceof String text) {
            raw = text.isBlank() ? List.of() : Arrays.asList(text.split(",", -1));
        } else if (value instanceof String[] array) {
            raw = Arrays.asList(array);
        } else if (value instanceof Collection<?> collection && collection.stream().allMatch(String.class::isInstance)) {
            raw = collection.stream().map(String.class::cast).toList();
        } else {
            throw new PolicyException("policy " + key + " must be text, comma-separated, was " + describe(value));
        }
        List<String> elements = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            String element = raw.get(i).strip();
            if (element.isEmpty()) {
                throw new PolicyException("policy " + key + ": element " + (i + 1) + " is empty (two commas in a row,"
                        + " or a comma at the end?)");
            }
            elements.add(element);
        }
        return elements;
    }

    /** The {@code keys} list: {@code {party} sha256:<fingerprint>}, each key once. */
    private static List<KeyRule> keys(List<String> elements) throws PolicyException {
        List<KeyRule> keys = new ArrayList<>();
        Map<String, String> seen = new java.util.HashMap<>();
        for (String element : elements) {
            String where = "policy keys: '" + element + "'";
            String[] words = element.split("\\s+");
            if (words.length != 2) {
                throw new PolicyException(where + " must be '{party} sha256:<fingerprint>', such as 'city sha256:"
                        + "3f2a...' (64 hex digits: the SHA-256 of the signer's certificate, as keytool -list -v shows"
                        + " it)");
            }
            String party = party(KEYS, "'" + element + "'", words[0]);
            String fingerprint = JarSignatures.normalise(words[1]).orElseThrow(() -> new PolicyException(where + ": '"
                    + words[1] + "' is not a key fingerprint; write sha256: and the 64 hex digits of the SHA-256 of the"
                    + " signer's certificate (with or without colons between bytes)"));
            String before = seen.putIfAbsent(fingerprint, party);
            if (before != null) {
                throw new PolicyException(where + ": the key " + fingerprint + " is listed already, for " + before
                        + "; a key acts for one party, list it once");
            }
            keys.add(new KeyRule(party, fingerprint));
        }
        return keys;
    }

    private static List<PartyRule> rules(String key, String form, List<String> elements) throws PolicyException {
        List<PartyRule> rules = new ArrayList<>();
        Set<String> patterns = new HashSet<>();
        for (String element : elements) {
            int equals = element.indexOf('=');
            if (equals < 0) {
                throw new PolicyException("policy " + key + ": '" + element + "' has no '='; write " + form);
            }
            String pattern = element.substring(0, equals).strip();
            String party = element.substring(equals + 1).strip();
            if (!SOURCE_PATTERN.matcher(pattern).matches()) {
                throw new PolicyException("policy " + key + ": '" + element + "': '" + pattern + "' is not a name or"
                        + " pattern of letters, digits, '.', '_', ':', '-' with '*' (any characters) or '?' (one)");
            }
            if (!patterns.add(pattern)) {
                throw new PolicyException("policy " + key + ": '" + pattern + "' is given more than once");
            }
            rules.add(PartyRule.of(pattern, party(key, "'" + element + "'", party)));
        }
        return rules;
    }

    /**
     * A grant, or (for {@code exports}) an export rule, which has the same form with a remote site as its reader. The
     * owner may be a party of a remote site that {@code sites} names ({@code {site}:{party}}): imported readings.
     */
    static Grant grant(String key, String element, Set<String> sites) throws PolicyException {
        String where = "policy " + key + ": '" + element + "'";
        String[] words = element.split("\\s+");
        if (words.length < 2) {
            throw new PolicyException(where + " must be '{owner}>{reader} {topicFilter} [personal] [grid=<metres>]"
                    + " [aggregate=<metres>]'");
        }
        int arrow = words[0].indexOf('>');
        if (arrow < 0) {
            throw new PolicyException(where + " must start with {owner}>{reader}, such as city>police");
        }
        String owner = owner(key, element, words[0].substring(0, arrow), sites);
        String reader = party(key, "'" + element + "'", words[0].substring(arrow + 1));
        // An export rule's reader is a remote site: a local party may share its name (the water board's gauges, sent
        // to the water board's own runtime), so only a grant to oneself is refused.
        if (key.equals(GRANTS) && owner.equals(reader)) {
            throw new PolicyException(where + " grants " + owner + " to itself; a party always sees its own data");
        }
        TopicFilter filter = filter(key, element, words[1]);
        boolean personal = false;
        int grid = 0;
        int aggregate = 0;
        int minSources = 0;
        for (int i = 2; i < words.length; i++) {
            String option = words[i];
            if (option.equals("personal")) {
                personal = true;
            } else if (option.startsWith("grid=")) {
                grid = metres(where, option);
            } else if (option.startsWith("aggregate=")) {
                aggregate = metres(where, option);
            } else if (option.startsWith("minSources=")) {
                minSources = minSources(where, option);
            } else {
                throw new PolicyException(where + ": unknown option '" + option + "'; the options are personal,"
                        + " grid=<metres>, aggregate=<metres> and minSources=<n>");
            }
        }
        if (minSources > 0 && aggregate == 0) {
            throw new PolicyException(where + ": minSources= applies to aggregate= only");
        }
        if (grid > 0 && aggregate > 0) {
            throw new PolicyException(where + " has both grid= and aggregate=; aggregate places each zone's sum at"
                    + " the centre of its cell already, give one of them");
        }
        return new Grant(owner, reader, filter, personal, grid, aggregate,
                minSources > 0 ? minSources : Grant.DEFAULT_MIN_SOURCES, String.join(" ", words));
    }

    /** A {@code services} rule: {@code {symbolicName or glob | party:{party}} {kind} {value} [{value}...]}. */
    private static ServiceRule service(String element) throws PolicyException {
        String where = "policy services: '" + element + "'";
        String[] words = element.split("\\s+");
        if (words.length < 3) {
            throw new PolicyException(where + " must be '{symbolicName} {kind} {value}...' or '" + ServiceRule.PARTY_PREFIX
                    + "{party} {kind} {value}...', such as 'nl.acme.sms notifies waterboard' (kinds: "
                    + String.join(", ", ServiceKinds.ALL) + ")");
        }
        PartyRule plugins = null;
        String party = null;
        if (words[0].startsWith(ServiceRule.PARTY_PREFIX)) {
            party = party(SERVICES, "'" + element + "'", words[0].substring(ServiceRule.PARTY_PREFIX.length()));
        } else if (SOURCE_PATTERN.matcher(words[0]).matches()) {
            plugins = PartyRule.of(words[0], "");
        } else {
            throw new PolicyException(where + ": '" + words[0] + "' is neither a plugin's symbolic name or pattern (letters,"
                    + " digits, '.', '_', '-' with '*' or '?') nor " + ServiceRule.PARTY_PREFIX + "{party}");
        }
        String kind = words[1];
        if (!ServiceKinds.ALL.contains(kind)) {
            throw new PolicyException(where + ": '" + kind + "' is not a kind of service: use "
                    + String.join(", ", ServiceKinds.ALL));
        }
        List<String> values = new ArrayList<>();
        for (int i = 2; i < words.length; i++) {
            String problem = ServiceKinds.problem(kind, words[i]);
            if (problem != null) {
                throw new PolicyException(where + ": " + problem);
            }
            values.add(words[i]);
        }
        return new ServiceRule(plugins, party, kind, List.copyOf(values), String.join(" ", words));
    }

    /** A local party, or a remote site's party {@code {site}:{party}} of a site that {@code sites} names. */
    private static String owner(String key, String element, String text, Set<String> sites) throws PolicyException {
        int colon = text.indexOf(':');
        if (colon < 0) {
            return party(key, "'" + element + "'", text);
        }
        String site = party(key, "'" + element + "'", text.substring(0, colon));
        String party = party(key, "'" + element + "'", text.substring(colon + 1));
        if (!sites.contains(site)) {
            throw new PolicyException("policy " + key + ": '" + element + "' names the party " + text + " of the site "
                    + site + ", which the policy's sites do not list" + (sites.isEmpty() ? " (there are none)"
                            : " (" + String.join(", ", sites) + ")"));
        }
        return site + ':' + party;
    }

    /** An aggregate's fewest sources: at least 2, so that no sum is one source's value. */
    private static int minSources(String where, String option) throws PolicyException {
        String text = option.substring(option.indexOf('=') + 1);
        try {
            int n = Integer.parseInt(text);
            if (n >= 2 && n <= 1_000) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new PolicyException(where + ": " + option + " must be a whole number from 2 to 1000 (a sum of one"
                + " source is that source's value)");
    }

    static int metres(String where, String option) throws PolicyException {
        String text = option.substring(option.indexOf('=') + 1);
        try {
            int metres = Integer.parseInt(text);
            if (metres >= 1 && metres <= MAX_CELL_METRES) {
                return metres;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new PolicyException(where + ": " + option + " must be a whole number of metres from 1 to "
                + MAX_CELL_METRES);
    }

    static TopicFilter filter(String key, String element, String text) throws PolicyException {
        try {
            return TopicFilter.parse(text);
        } catch (IllegalArgumentException e) {
            throw new PolicyException("policy " + key + ": '" + element + "': " + e.getMessage());
        }
    }

    static String party(String key, String element, String party) throws PolicyException {
        if (!PARTY.matcher(party).matches()) {
            throw new PolicyException("policy " + key + ": " + element + ": party '" + party + "' must be "
                    + PARTY_RULE);
        }
        return party;
    }

    private static String describe(Object value) {
        return value.getClass().getSimpleName() + " " + (value instanceof Object[] a ? Arrays.toString(a) : value);
    }
}
