package nl.regie.runtime.sovereignty.policy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import nl.regie.runtime.spi.access.HttpSource;
import nl.regie.runtime.spi.bus.TopicFilter;
import nl.regie.runtime.spi.federation.ImportedSource;
import nl.regie.runtime.spi.policy.AccessPolicy;
import nl.regie.runtime.spi.policy.SharingRule;

/**
 * One immutable version of the operator's policy: who acts for which party, which attributes are personal, and the
 * grants. The engine swaps whole snapshots; a view that sees a new version starts over.
 */
final class Policy {

    /** Sources remembered per snapshot; beyond this the party of a new source is worked out on every call. */
    private static final int SOURCE_CACHE_LIMIT = 100_000;

    private final long version;
    private final String defaultParty;
    private final List<KeyRule> keys;
    private final Map<String, String> partyOfKey;
    /** The fingerprint of the key that signed each running plugin, by symbolic name ("" for an unsigned one). */
    private final Map<String, String> signers;
    private final List<PartyRule> devices;
    private final List<TopicFilter> personal;
    private final List<Grant> grants;
    private final List<ServiceRule> services;
    private final boolean ignoresLocalIds;
    private final Federation federation;
    private final Map<String, String> partyOfSource = new ConcurrentHashMap<>();

    Policy(long version, String defaultParty, List<KeyRule> keys, List<PartyRule> devices,
            List<TopicFilter> personal, List<Grant> grants, List<ServiceRule> services, Map<String, String> signers) {
        this(version, defaultParty, keys, devices, personal, grants, services, signers, Federation.NONE);
    }

    Policy(long version, String defaultParty, List<KeyRule> keys, List<PartyRule> devices,
            List<TopicFilter> personal, List<Grant> grants, List<ServiceRule> services, Map<String, String> signers,
            Federation federation) {
        this.version = version;
        this.federation = federation.rules().version() == version ? federation : federation.withVersion(version);
        this.defaultParty = defaultParty;
        this.keys = List.copyOf(keys);
        this.partyOfKey = keys.stream().collect(Collectors.toUnmodifiableMap(KeyRule::fingerprint, KeyRule::party));
        this.signers = Map.copyOf(signers);
        this.devices = List.copyOf(devices);
        this.personal = List.copyOf(personal);
        this.grants = List.copyOf(grants);
        this.services = List.copyOf(services);
        this.ignoresLocalIds = personal.stream().noneMatch(Policy::namesLocalId)
                && grants.stream().noneMatch(grant -> namesLocalId(grant.filter()))
                && this.federation.exports().stream().noneMatch(grant -> namesLocalId(grant.filter()));
    }

    /** Whether a filter's second level is a local id rather than a wildcard (or absent). */
    private static boolean namesLocalId(TopicFilter filter) {
        String[] levels = filter.toString().split("/");
        return levels.length > 1 && !levels[1].equals("+") && !levels[1].equals("#");
    }

    /**
     * Whether no filter of this policy names a local id, so that what it decides for a topic depends only on the
     * entity type and the attribute (a placeholder local id matches the same filters).
     */
    boolean ignoresLocalIds() {
        return ignoresLocalIds;
    }

    /**
     * The policy without configuration: every device acts for {@link AccessPolicy#DEFAULT_PARTY}, no key is trusted
     * (so every plugin acts for no party), nothing granted.
     */
    static Policy defaults() {
        return new Policy(0, AccessPolicy.DEFAULT_PARTY, List.of(), List.of(), List.of(), List.of(), List.of(), Map.of());
    }

    /** This policy as a new version. */
    Policy withVersion(long newVersion) {
        return new Policy(newVersion, defaultParty, keys, devices, personal, grants, services, signers, federation);
    }

    /** This policy, same version, with the running plugins signed by other keys; a new snapshot, so views start over. */
    Policy withSigners(Map<String, String> newSigners) {
        return new Policy(version, defaultParty, keys, devices, personal, grants, services, newSigners, federation);
    }

    Map<String, String> signers() {
        return signers;
    }

    /** The party a key acts for, or null when the policy does not list it. */
    String partyOfKey(String fingerprint) {
        return partyOfKey.get(fingerprint);
    }

    /** The fingerprint of the key that signed a running plugin, or null when it is unsigned or not running. */
    String keyOfPlugin(String symbolicName) {
        String key = signers.get(symbolicName);
        return key == null || key.isEmpty() ? null : key;
    }

    long version() {
        return version;
    }

    String defaultParty() {
        return defaultParty;
    }

    List<Grant> grants() {
        return grants;
    }

    /** The topic filters marked personal. */
    List<TopicFilter> personalFilters() {
        return personal;
    }

    /** The grants, then the export rules, as the SPI describes them. */
    List<SharingRule> sharingRules() {
        List<SharingRule> rules = new ArrayList<>();
        for (Grant grant : grants) {
            rules.add(rule(grant, false));
        }
        for (Grant export : federation.exports()) {
            rules.add(rule(export, true));
        }
        return List.copyOf(rules);
    }

    private static SharingRule rule(Grant grant, boolean remoteSite) {
        return new SharingRule(grant.owner(), grant.reader(), remoteSite, grant.filter(), grant.personal(),
                grant.grid(), grant.aggregate(), grant.minSources(), grant.text());
    }

    /** The party of a plugin: the party of the key that signed it, else {@link AccessPolicy#NO_PARTY}. */
    String partyOfPlugin(String symbolicName) {
        String key = keyOfPlugin(symbolicName);
        String party = key == null ? null : partyOfKey.get(key);
        return party != null ? party : AccessPolicy.NO_PARTY;
    }

    /** The federation rules: remote sites, exports, imports. */
    Federation federation() {
        return federation;
    }

    /**
     * The party of a source: an imported reading's remote party first ({@code {site}:{party}/{source}}, a form no
     * device id or plugin name can take), then an HTTP caller's ({@code {party}@http/{token}}), then as a running plugin, then as a device, else the default party.
     */
    String partyOfSource(String source) {
        String party = partyOfSource.get(source);
        if (party == null) {
            party = ImportedSource.party(source);
            if (party == null) {
                party = HttpSource.party(source);
            }
            if (party == null && signers.containsKey(source)) {
                party = partyOfPlugin(source);
            }
            if (party == null) {
                party = firstMatch(devices, source);
            }
            if (party == null) {
                party = defaultParty;
            }
            if (partyOfSource.size() < SOURCE_CACHE_LIMIT) {
                partyOfSource.put(source, party);
            }
        }
        return party;
    }

    /** Whether a topic is an attribute marked personal. */
    boolean personal(String topic) {
        for (TopicFilter filter : personal) {
            if (filter.matches(topic)) {
                return true;
            }
        }
        return false;
    }

    /** The first grant from {@code owner} to {@code reader} whose filter matches the topic, or null. */
    Grant grant(String owner, String reader, String topic) {
        for (Grant grant : grants) {
            if (grant.owner().equals(owner) && grant.reader().equals(reader) && grant.filter().matches(topic)) {
                return grant;
            }
        }
        return null;
    }

    /**
     * What the {@code services} rules grant a plugin of one kind: the values of every rule that names it, by its
     * symbolic name or by its party, in the order written, each once; nothing for a plugin that acts for no party.
     */
    List<String> grantedServices(String symbolicName, String kind) {
        if (services.isEmpty()) {
            return List.of();
        }
        String party = partyOfPlugin(symbolicName);
        if (AccessPolicy.NO_PARTY.equals(party)) {
            // Unsigned, or signed by a key the policy does not list: not even a rule by its name grants it anything.
            return List.of();
        }
        Set<String> values = new LinkedHashSet<>();
        for (ServiceRule rule : services) {
            if (rule.kind().equals(kind) && rule.names(symbolicName, party)) {
                values.addAll(rule.values());
            }
        }
        return List.copyOf(values);
    }

    private static String firstMatch(List<PartyRule> rules, String name) {
        for (PartyRule rule : rules) {
            if (rule.matches(name)) {
                return rule.party();
            }
        }
        return null;
    }

    /** What changed from {@code previous} to this policy, for the audit log; "no change" when nothing did. */
    String changesFrom(Policy previous) {
        StringBuilder changes = new StringBuilder();
        if (!defaultParty.equals(previous.defaultParty)) {
            changes.append("default party ").append(previous.defaultParty).append(" -> ").append(defaultParty).append("; ");
        }
        diff(changes, "keys", previous.keys, keys);
        diff(changes, "devices", previous.devices, devices);
        diff(changes, "personal", previous.personal, personal);
        diff(changes, "grants", previous.grants, grants);
        diff(changes, "services", previous.services, services);
        diff(changes, "federation", previous.federation.texts(), federation.texts());
        return changes.length() == 0 ? "no change" : changes.substring(0, changes.length() - 2);
    }

    private static void diff(StringBuilder changes, String what, List<?> before, List<?> after) {
        Set<String> old = texts(before);
        Set<String> now = texts(after);
        Set<String> added = new LinkedHashSet<>(now);
        added.removeAll(old);
        Set<String> removed = new LinkedHashSet<>(old);
        removed.removeAll(now);
        if (!added.isEmpty()) {
            changes.append(what).append(" added [").append(String.join(", ", added)).append("]; ");
        }
        if (!removed.isEmpty()) {
            changes.append(what).append(" removed [").append(String.join(", ", removed)).append("]; ");
        }
        if (added.isEmpty() && removed.isEmpty() && !List.copyOf(old).equals(List.copyOf(now))) {
            changes.append(what).append(" reordered; ");
        }
    }

    private static Set<String> texts(List<?> items) {
        return items.stream().map(Object::toString).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** A summary for the log: how many rules of each kind. */
    @Override
    public String toString() {
        return "policy v" + version + " (default party " + defaultParty + ", " + keys.size() + " keys, "
                + devices.size() + " device rules, " + personal.size() + " personal filters, " + grants.size()
                + " grants, " + services.size() + " service rules" + (federation.texts().isEmpty() ? ""
                        : ", " + federation.rules().exports().size() + " exports, " + federation.rules().imports().size()
                                + " imports") + ")";
    }
}
