package nl.regie.runtime.lifecycle;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import nl.regie.runtime.spi.lifecycle.LifecycleException;
import nl.regie.runtime.spi.lifecycle.LifecycleException.Reason;
import nl.regie.runtime.spi.lifecycle.PluginBundles;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRequirement;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.resource.Namespace;
import org.osgi.service.log.Logger;

/**
 * Finds out whether a jar will resolve before the running plugin is touched, by asking the framework's own
 * resolver: the jar is installed as a separate, never started <em>candidate</em> bundle under another symbolic
 * name (so it cannot clash with the running version as a singleton or be taken for it by anything keyed on the
 * name), {@link FrameworkWiring#resolveBundles resolved}, and uninstalled again. Nothing wires to a candidate, so
 * the framework drops it at once; the running plugin's revision is never involved.
 *
 * <p>The resolver only says yes or no; when it says no, each mandatory requirement is matched against what the
 * framework offers ({@link FrameworkWiring#findProviders}) to name the missing one.
 */
final class Preflight {

    /** The location prefix of candidates, so listings can skip them. */
    private static final String LOCATION_PREFIX = PluginBundles.CANDIDATE_LOCATION_PREFIX;
    private static final String NAME_SUFFIX = ".regie-preflight";
    private static final Pattern PACKAGE = Pattern.compile("\\(" + Pattern.quote(PackageNamespace.PACKAGE_NAMESPACE)
            + "=([^)]+)\\)");

    private final BundleContext context;
    private final FrameworkWiring wiring;
    private final Logger logger;
    private final AtomicLong candidates = new AtomicLong();

    Preflight(BundleContext context, FrameworkWiring wiring, Logger logger) {
        this.context = context;
        this.wiring = wiring;
        this.logger = logger;
    }

    /**
     * Checks that a jar resolves against what the framework offers now.
     *
     * @param jar     the jar
     * @param running the plugin it would replace, or null for an install
     * @param what    how a refusal starts: "Cannot update nl.regie.waste"
     * @throws LifecycleException NOT_RESOLVABLE naming the missing requirement; NOT_A_BUNDLE if the framework
     *                            refuses the manifest
     */
    void check(PluginJar jar, Bundle running, String what) throws LifecycleException {
        String keeps = running == null ? "" : "; " + running.getVersion() + " keeps running";
        Bundle candidate;
        try {
            candidate = context.installBundle(LOCATION_PREFIX + jar.describe() + "#" + candidates.incrementAndGet(),
                    new ByteArrayInputStream(Jars.renamed(jar.bytes(), jar.symbolicName() + NAME_SUFFIX)));
        } catch (BundleException e) {
            throw new LifecycleException(Reason.NOT_A_BUNDLE, what + ": the framework refuses " + jar.describe() + ": "
                    + e.getMessage().replace(NAME_SUFFIX, ""));
        }
        try {
            if (!wiring.resolveBundles(List.of(candidate))) {
                throw new LifecycleException(Reason.NOT_RESOLVABLE, what + ": " + jar.describe() + " does not resolve: "
                        + missing(candidate) + keeps);
            }
            String ownPackage = importsFromRunning(candidate, running);
            if (ownPackage != null) {
                throw new LifecycleException(Reason.NOT_RESOLVABLE, what + ": " + jar.describe() + " imports package "
                        + ownPackage + ", which only the running version " + running.getVersion()
                        + " exports, so it would not resolve once that is replaced" + keeps);
            }
        } finally {
            try {
                candidate.uninstall();
            } catch (BundleException | IllegalStateException e) {
                logger.warn("Could not uninstall the pre-flight candidate of {}: {}", jar.describe(), e.toString());
            }
        }
    }

    /**
     * The same check on a plugin installed already under its own name and not started, for a restore after a restart,
     * where no running version could be disturbed and the candidate is not needed: resolves it, or uninstalls it and
     * refuses it as {@link #check} would.
     *
     * @throws LifecycleException NOT_RESOLVABLE naming the missing requirement
     */
    void resolveInstalled(Bundle installed, PluginJar jar, String what) throws LifecycleException {
        if (wiring.resolveBundles(List.of(installed))) {
            return;
        }
        String missing = missing(installed);
        try {
            installed.uninstall();
        } catch (BundleException | IllegalStateException e) {
            logger.warn("Could not uninstall {}, which does not resolve: {}", jar.describe(), e.toString());
        }
        throw new LifecycleException(Reason.NOT_RESOLVABLE, what + ": " + jar.describe() + " does not resolve: " + missing);
    }

    /** The mandatory requirements nothing in the framework offers, or why resolving failed all the same. */
    private String missing(Bundle candidate) {
        BundleRevision revision = candidate.adapt(BundleRevision.class);
        List<String> missing = new ArrayList<>();
        List<String> unresolvedOnly = new ArrayList<>();
        for (BundleRequirement requirement : revision.getDeclaredRequirements(null)) {
            if (!mandatory(requirement)) {
                continue;
            }
            Collection<BundleCapability> providers = wiring.findProviders(requirement);
            if (providers.isEmpty()) {
                missing.add(describe(requirement));
            } else if (providers.stream().allMatch(c -> c.getRevision().getWiring() == null
                    && c.getRevision().getBundle() != candidate)) {
                unresolvedOnly.add(describe(requirement) + ", offered only by bundles that do not resolve themselves ("
                        + providers.stream().map(c -> c.getRevision().getSymbolicName()).distinct().toList() + ")");
            }
        }
        if (!missing.isEmpty()) {
            return "missing " + String.join("; missing ", missing);
        }
        if (!unresolvedOnly.isEmpty()) {
            return String.join("; ", unresolvedOnly);
        }
        return "every requirement is offered, but not consistently (a uses-constraint conflict); the framework log"
                + " has the resolver's details";
    }

    private static boolean mandatory(BundleRequirement requirement) {
        String resolution = requirement.getDirectives().get(Namespace.REQUIREMENT_RESOLUTION_DIRECTIVE);
        String effective = requirement.getDirectives().get(Namespace.REQUIREMENT_EFFECTIVE_DIRECTIVE);
        return !Namespace.RESOLUTION_OPTIONAL.equals(resolution)
                && !PackageNamespace.RESOLUTION_DYNAMIC.equals(resolution)
                && (effective == null || Namespace.EFFECTIVE_RESOLVE.equals(effective));
    }

    /** A requirement as its manifest header would say it. */
    static String describe(BundleRequirement requirement) {
        String filter = requirement.getDirectives().getOrDefault(Namespace.REQUIREMENT_FILTER_DIRECTIVE, "");
        String namespace = requirement.getNamespace();
        if (namespace.equals(PackageNamespace.PACKAGE_NAMESPACE)) {
            Matcher name = PACKAGE.matcher(filter);
            return "Import-Package " + (name.find() ? name.group(1) + " " : "") + filter + " (no bundle exports it)";
        }
        return "requirement " + namespace + " " + filter + " (nothing provides it)";
    }

    /**
     * A package the resolved candidate takes from the running version of the same plugin and does not export
     * itself: it would lose that package when the running version goes. Null if there is none.
     */
    private static String importsFromRunning(Bundle candidate, Bundle running) {
        BundleWiring candidateWiring = candidate.adapt(BundleWiring.class);
        if (running == null || candidateWiring == null) {
            return null;
        }
        List<Object> ownExports = candidateWiring.getRevision().getDeclaredCapabilities(PackageNamespace.PACKAGE_NAMESPACE)
                .stream().map(c -> c.getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE)).toList();
        for (BundleWire wire : candidateWiring.getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE)) {
            Object name = wire.getCapability().getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE);
            if (wire.getProvider().getBundle() == running && !ownExports.contains(name)) {
                return String.valueOf(name);
            }
        }
        return null;
    }
}
