package nl.regie.runtime.spi.lifecycle;

import java.util.ArrayList;
import java.util.List;

import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;

/**
 * What counts as a plugin: a bundle that imports a Regie API package ({@code nl.regie.api} or below), other than
 * the api and the runtime bundles themselves and the lifecycle's own short-lived pre-flight candidates. The one
 * definition the lifecycle, the HTTP API and the config folder share.
 */
public final class PluginBundles {

    /** The API packages a plugin imports. */
    public static final String API_PACKAGE = "nl.regie.api";
    /** The location prefix of the jars the lifecycle installs only to see whether they resolve. */
    public static final String CANDIDATE_LOCATION_PREFIX = "regie-preflight:";

    private PluginBundles() {
    }

    /** Whether an installed bundle is a plugin: not a runtime bundle (see {@link RuntimeBundles}), nor the api. */
    public static boolean isPlugin(Bundle bundle, RuntimeBundles runtime) {
        String name = bundle.getSymbolicName();
        if (name == null || runtime.contains(bundle) || name.equals(API_PACKAGE)
                || bundle.getState() == Bundle.UNINSTALLED || isCandidate(bundle)) {
            return false;
        }
        return importsApi(bundle.getHeaders("").get(Constants.IMPORT_PACKAGE));
    }

    /** Whether a bundle is a pre-flight candidate of the lifecycle, not a plugin that runs. */
    public static boolean isCandidate(Bundle bundle) {
        return bundle.getLocation().startsWith(CANDIDATE_LOCATION_PREFIX);
    }

    /** Whether an Import-Package header names a Regie API package. */
    public static boolean importsApi(String importPackage) {
        if (importPackage == null) {
            return false;
        }
        for (String clause : clauses(importPackage)) {
            for (String part : clause.split(";")) {
                String name = part.trim();
                if (!name.contains("=") && (name.equals(API_PACKAGE) || name.startsWith(API_PACKAGE + "."))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The comma-separated clauses of a manifest header, respecting quoted values (version ranges hold commas). */
    static List<String> clauses(String header) {
        List<String> clauses = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (char c : header.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ',' && !quoted) {
                clauses.add(current.toString().trim());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        if (!current.toString().isBlank()) {
            clauses.add(current.toString().trim());
        }
        return clauses;
    }

    /** A bundle state as a word. */
    public static String stateName(int state) {
        return switch (state) {
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            default -> "UNKNOWN(" + state + ")";
        };
    }
}
