package nl.regie.runtime.sovereignty.policy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import nl.regie.runtime.signatures.CheckedSignatures;
import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.audit.AuditLog;
import nl.regie.runtime.spi.bus.ReadView;
import nl.regie.runtime.spi.bus.TopicFilter;
import nl.regie.runtime.spi.metrics.MetricSource;
import nl.regie.runtime.spi.metrics.MetricWriter;
import nl.regie.runtime.spi.policy.AccessPolicy;
import nl.regie.runtime.spi.policy.FederationRules;
import nl.regie.runtime.spi.policy.SharingRule;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The {@link AccessPolicy} of the running system, configured under the PID {@value AccessPolicy#PID} (the file
 * {@code nl.regie.runtime.policy.cfg} in the config folder). A changed configuration is applied without restart; a
 * refused one is logged and audited and the policy in force stays. At start, with no policy before it, that is the
 * last policy applied (kept in {@code <regie.state.dir>/policy/applied.json}), else the built-in default: every device
 * acts for {@value AccessPolicy#DEFAULT_PARTY} and no plugin key is trusted. A plugin's party is the party of the key
 * that signed its bundle ({@link PluginSigners} follows them). Also registered under its own class,
 * for the runtime's metrics ({@link #deniedReads()}).
 */
@Component(immediate = true, configurationPid = AccessPolicy.PID, service = {AccessPolicy.class, MetricSource.class},
        property = MetricSource.ORDER + ":Integer=90")
@Designate(ocd = PolicyComponent.Config.class)
public final class PolicyComponent implements AccessPolicy, MetricSource {

    /** The policy's configuration. */
    @ObjectClassDefinition(id = AccessPolicy.PID, name = "Regie data-sharing policy",
            description = "Which party each plugin and device acts for, which attributes are personal, and what each"
                    + " party may read of another's data. Party names: a lower-case letter, then lower-case letters,"
                    + " digits, '_' or '-'. Lists are comma-separated.")
    public @interface Config {

        /** The party of every plugin and device no rule names. */
        @AttributeDefinition(name = "Default party",
                description = "The party of every plugin and device that no plugins or devices rule names.")
        String defaultParty() default AccessPolicy.DEFAULT_PARTY;

        /** The keys plugins are signed with, and the party each acts for. */
        @AttributeDefinition(name = "Keys", required = false,
                description = "{party} sha256:<fingerprint>, comma-separated, such as city sha256:3f2a... (the"
                        + " SHA-256 of the signer's certificate, 64 hex digits, colons allowed, as keytool -list -v"
                        + " shows it). A plugin acts for the party of the key that signed its jar; a jar signed by a"
                        + " key not listed here is refused, and an unsigned one (admitted only in development) acts"
                        + " for no party. Each key once.")
        String[] keys() default {};

        /** No longer used: refused, pointing to keys. */
        @AttributeDefinition(name = "Plugins (no longer used)", required = false,
                description = "No longer used: a plugin's party comes from the key that signed it (keys). A policy"
                        + " that still has plugins is refused, saying so.")
        String[] plugins() default {};

        /** Devices and their parties. */
        @AttributeDefinition(name = "Devices", required = false,
                description = "{deviceId}={party}, comma-separated, such as bin-*=contractor; '*' matches any"
                        + " characters, '?' one. A reading's source is looked up as a plugin first, then as a device.")
        String[] devices() default {};

        /** Topic filters of personal attributes. */
        @AttributeDefinition(name = "Personal attributes", required = false,
                description = "Topic filters {EntityType}/{localId}/{attribute} ('+' one level, '#' the rest) of"
                        + " attributes marked personal, such as Resident/+/address. Another party never sees them"
                        + " unless its grant says personal.")
        String[] personal() default {};

        /** The grants. */
        @AttributeDefinition(name = "Grants", required = false,
                description = "{owner}>{reader} {topicFilter} [personal] [grid=<metres>] [aggregate=<metres>"
                        + " [minSources=<n>]],"
                        + " comma-separated, such as city>police CrowdFlowObserved/+/peopleCount aggregate=250."
                        + " For each reading of another party the first grant from its owner to the reader whose"
                        + " filter matches decides; without one it is withheld. personal: attributes marked personal"
                        + " are included. grid: locations moved to the centre of a square cell of that many metres"
                        + " (an equirectangular grid anchored at 0,0). aggregate: a count (unit count, or an attribute"
                        + " named ...Count) becomes the sum over the entities of its type in the cell, as entity"
                        + " {Type}:zone-{cell} with the zone as its source; a zone's sum is withheld while fewer than"
                        + " minSources distinct sources (default 3, at least 2) count in it; other attributes of the"
                        + " type are withheld. The owner may be a remote site's party, {site}:{party} (readings"
                        + " imported from a site the sites list names).")
        String[] grants() default {};

        /** The services plugins may register for others to trust. */
        @AttributeDefinition(name = "Services", required = false,
                description = "{symbolicName} {kind} {value}..., or party:{party} {kind} {value}..., comma-separated,"
                        + " such as nl.acme.sms notifies waterboard, or party:waterboard drives FloodGate. Kinds:"
                        + " drives (entity types its ActuationDriver services may carry out commands for, * for all),"
                        + " notifies (parties whose notifications its Notifier services may deliver, * for all),"
                        + " serves (URL path prefixes its HTTP servlets, filters and context may serve, / for all)."
                        + " A plugin must also declare the same in its @PluginScope; a service outside either is"
                        + " ignored, logged and audited. Without a rule a plugin registers none of these.")
        String[] services() default {};

        /** The remote sites this runtime shares with over the wire. */
        @AttributeDefinition(name = "Sites", required = false,
                description = "The remote sites (other Regie runtimes on the shared broker) the exports and imports"
                        + " rules may name, comma-separated, such as gent, waterboard. A rule naming another site"
                        + " refuses the policy.")
        String[] sites() default {};

        /** What leaves this site, for which remote site. */
        @AttributeDefinition(name = "Exports", required = false,
                description = "{owner}>{site} {topicFilter} [personal] [grid=<metres>] [aggregate=<metres>],"
                        + " comma-separated, such as city>gent WaterObserved/+/waterLevel. Readings of the owner party"
                        + " on matching topics are sent to the remote site over the shared broker, through the same"
                        + " privacy transforms as a grant's. Nothing leaves without a rule. An owner {site}:{party}"
                        + " re-exports readings imported from that site; nothing imported leaves otherwise.")
        String[] exports() default {};

        /** What is accepted from remote sites, and who owns it here. */
        @AttributeDefinition(name = "Imports", required = false,
                description = "{site}:{party} {topicFilter} [via={site}], comma-separated, such as"
                        + " roeselare:waterboard WaterObserved/+/waterLevel. Readings of that party of that site on"
                        + " matching topics are accepted and published on the bus owned by {site}:{party}; local"
                        + " plugins see them only under a grant from {site}:{party}. via= lets another site relay"
                        + " them. Anything else from the wire is refused, counted and audited.")
        String[] imports() default {};
    }

    /** The framework property naming the state folder; the last applied policy is kept in its {@code policy}. */
    static final String STATE_DIR_PROPERTY = "regie.state.dir";
    /** Where, in the state folder, the plugin contents whose signatures were verified are recorded. */
    static final String SIGNERS_FOLDER = "plugin-signers";

    private final PolicyEngine engine;
    private final LastPolicy last;
    private final Logger logger;
    private final PluginSigners signers;
    /** Records what was shared in the audit log once per {@link #SHARING_PERIOD}, and when the component stops. */
    private final ScheduledExecutorService sharing;
    static final Duration SHARING_PERIOD = Duration.ofHours(1);

    /**
     * Applies the configured policy. If it is refused, the last policy applied (kept in the state folder) applies
     * instead; without one, the built-in default stays.
     */
    @Activate
    public PolicyComponent(BundleContext context, Map<String, Object> properties,
            @Reference(name = "audit") AuditLog audit,
            @Reference(name = "logger", service = LoggerFactory.class) Logger logger) {
        this(stateFolder(context.getProperty(STATE_DIR_PROPERTY)), properties, audit, logger, context);
    }

    PolicyComponent(Path stateFolder, Map<String, Object> properties, AuditLog audit, Logger logger) {
        this(stateFolder, properties, audit, logger, null);
    }

    private PolicyComponent(Path stateFolder, Map<String, Object> properties, AuditLog audit, Logger logger,
            BundleContext context) {
        this.engine = new PolicyEngine(audit);
        this.last = new LastPolicy(stateFolder.resolve("policy"));
        this.logger = logger;
        if (!applied(properties)) {
            restoreLast();
        }
        this.signers = context == null ? null : new PluginSigners(context, engine::signers,
                new CheckedSignatures(stateFolder.resolve(SIGNERS_FOLDER), logger::warn), logger);
        if (signers != null) {
            signers.open();
        }
        this.sharing = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "regie-policy-sharing");
            thread.setDaemon(true);
            return thread;
        });
        sharing.scheduleAtFixedRate(this::recordSharing, SHARING_PERIOD.toSeconds(), SHARING_PERIOD.toSeconds(),
                TimeUnit.SECONDS);
    }

    private void recordSharing() {
        try {
            engine.recordSharing(Instant.now());
        } catch (RuntimeException e) {
            logger.warn("Could not record what was shared in the audit log: {}", e.toString());
        }
    }

    /** Stops following the plugins' signers. */
    @Deactivate
    void deactivate() {
        if (signers != null) {
            signers.close();
        }
        sharing.shutdownNow();
        recordSharing();
    }

    private static Path stateFolder(String property) {
        return Path.of(property == null || property.isBlank() ? "state" : property);
    }

    /** Applies a changed policy without restart; a refused one leaves the policy in force. */
    @Modified
    void modified(Map<String, Object> properties) {
        applied(properties);
    }

    private boolean applied(Map<String, Object> properties) {
        try {
            String changes = engine.apply(properties);
            logger.info("Applied {}: {}", engine.describe(), changes);
        } catch (PolicyException e) {
            logger.error("Refused the policy ({}): {}; {} stays in force", AccessPolicy.PID, e.getMessage(),
                    engine.describe());
            return false;
        }
        try {
            last.save(properties);
        } catch (IOException | PolicyException e) {
            logger.warn("Could not keep the applied policy in {}: {}", last.file(), e.getMessage());
        }
        return true;
    }

    private void restoreLast() {
        try {
            Optional<Map<String, Object>> kept = last.load();
            if (kept.isPresent()) {
                engine.apply(kept.get());
                logger.warn("Applied the last policy that was in force, kept in {}, instead of the refused one: {}",
                        last.file(), engine.describe());
            }
        } catch (IOException | PolicyException e) {
            logger.error("Could not restore the last applied policy from {}: {}; {} stays in force", last.file(),
                    e.getMessage(), engine.describe());
        }
    }

    /** Who signed the running plugins, for tests without a framework (the tracker tells the engine in one). */
    void signers(Map<String, String> signers) {
        engine.signers(signers);
    }

    /** Readings denied so far, per reader name. */
    public Map<String, Long> deniedReads() {
        return engine.deniedReads();
    }

    /** The version of the policy in force: 0 for the built-in default, then one more with each policy applied. */
    public long version() {
        return engine.version();
    }

    @Override
    public String partyOfPlugin(String symbolicName) {
        return engine.partyOfPlugin(symbolicName);
    }

    @Override
    public Optional<String> partyOfKey(String fingerprint) {
        return engine.partyOfKey(fingerprint);
    }

    @Override
    public Optional<String> keyOfPlugin(String symbolicName) {
        return engine.keyOfPlugin(symbolicName);
    }

    @Override
    public String partyOfSource(String source) {
        return engine.partyOfSource(source);
    }

    @Override
    public List<String> grantedServices(String symbolicName, String kind) {
        return engine.grantedServices(symbolicName, kind);
    }

    @Override
    public ReadView readView(String readerParty, String readerName) {
        return engine.readView(readerParty, readerName);
    }

    @Override
    public ReadView pluginView(String symbolicName) {
        return engine.pluginView(symbolicName);
    }

    @Override
    public FederationRules federationRules() {
        return engine.federationRules();
    }

    @Override
    public ReadView exportView(String site) {
        return engine.exportView(site);
    }

    @Override
    public List<SharingRule> sharingRules() {
        return engine.sharingRules();
    }

    @Override
    public List<TopicFilter> personalFilters() {
        return engine.personalFilters();
    }

    @Override
    public List<AuditEvent> sharingNotYetAudited() {
        return engine.sharingNotYetAudited();
    }

    /** Writes {@code regie_policy_version} and {@code regie_policy_denied_reads_total} by reader. */
    @Override
    public void collect(MetricWriter out) {
        out.gauge("regie_policy_version", "The version of the data-sharing policy in force: one more with each policy"
                + " applied since the runtime started (a refused policy does not count).").sample(version());
        MetricWriter.Family denied = out.counter("regie_policy_denied_reads_total",
                "Readings of another party withheld from a reader by the policy, by reader (plugin or token).");
        deniedReads().forEach((reader, count) -> denied.sample(count, "reader", reader));
        MetricWriter.Family withheld = out.counter("regie_policy_aggregates_withheld_total",
                "Zone sums of the aggregate transform withheld from a reader because fewer than the grant's minSources"
                        + " distinct sources counted in the zone, by reader.");
        engine.withheldSums().forEach((reader, count) -> withheld.sample(count, "reader", reader));
    }
}
