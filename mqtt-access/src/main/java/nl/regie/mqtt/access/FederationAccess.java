package nl.regie.mqtt.access;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The shared broker's access for federated sites: each site's runtime logs in as {@code regie-site-{site}}, may publish
 * only under its own {@code regie/v1/{site}/share/#} and may read only what is addressed to it,
 * {@code regie/v1/+/share/{site}/#}. So a site cannot publish in another site's namespace even if its runtime were
 * compromised: the broker refuses it, whatever the runtime does.
 *
 * <p>Made from the sites' policies: each site and the remote sites its policy lists under {@code sites}; a site
 * named by a policy but given no policy of its own is refused (its runtime would have no credentials).
 * {@link #write} writes the Mosquitto 2 password file ({@code passwd}, adding to the one there), the federation's
 * section of the ACL ({@code acl}, beside other sections there, such as a site's {@link EdgeAccess edges}) and one
 * credentials file per site ({@code {site}.credentials}, {@code username=} and {@code password=}, readable by the
 * owner only), which that site's federation configuration names.
 */
public final class FederationAccess {

    /** The user name prefix of a site's runtime at the shared broker. */
    public static final String USER_PREFIX = "regie-site-";

    private static final Pattern SITE = Pattern.compile("[a-z][a-z0-9_-]{0,63}");

    private final Set<String> sites;

    private FederationAccess(Set<String> sites) {
        this.sites = sites;
    }

    /**
     * The access for the sites of these policies.
     *
     * @param policies per site, the remote sites its policy lists
     * @throws IllegalArgumentException naming a bad site name, or a remote site without a policy of its own
     */
    public static FederationAccess of(Map<String, ? extends Collection<String>> policies) {
        Set<String> sites = new TreeSet<>();
        for (Map.Entry<String, ? extends Collection<String>> policy : policies.entrySet()) {
            check(policy.getKey());
            sites.add(policy.getKey());
        }
        for (Map.Entry<String, ? extends Collection<String>> policy : policies.entrySet()) {
            for (String remote : policy.getValue()) {
                check(remote);
                if (!sites.contains(remote)) {
                    throw new IllegalArgumentException("the policy of " + policy.getKey() + " names the site " + remote
                            + ", which has no policy here; give every site's policy, or remove " + remote
                            + " from its sites");
                }
                if (remote.equals(policy.getKey())) {
                    throw new IllegalArgumentException("the policy of " + remote + " lists itself under sites");
                }
            }
        }
        if (sites.isEmpty()) {
            throw new IllegalArgumentException("no site: give at least one site's policy");
        }
        return new FederationAccess(Set.copyOf(sites));
    }

    private static void check(String site) {
        if (!SITE.matcher(site).matches()) {
            throw new IllegalArgumentException("site '" + site + "' must be a lower-case letter, then lower-case"
                    + " letters, digits, '_' or '-' (at most 64)");
        }
    }

    /** The user name of a site's runtime. */
    public static String user(String site) {
        return USER_PREFIX + site;
    }

    /** The sites, sorted. */
    public Set<String> sites() {
        return new TreeSet<>(sites);
    }

    /** The Mosquitto 2 ACL ({@code acl_file}). */
    public String mosquittoAcl() {
        StringBuilder text = new StringBuilder()
                .append("# Regie federation: who may publish and read shared readings on this broker, as a Mosquitto 2\n")
                .append("# acl_file. Each site publishes only in its own namespace and reads only what is addressed to\n")
                .append("# it (docs/federation.md). Nothing else is allowed to these users.\n");
        for (String site : new TreeSet<>(sites)) {
            text.append('\n').append("user ").append(user(site)).append('\n')
                    .append("topic write regie/v1/").append(site).append("/share/#\n")
                    .append("topic read regie/v1/+/share/").append(site).append("/#\n");
        }
        return text.toString();
    }

    /**
     * Writes {@code passwd}, {@code acl} and {@code {site}.credentials} for every site into {@code folder}, each with a
     * new random password.
     *
     * @return the password of each site, by site
     */
    public Map<String, String> write(Path folder, SecureRandom random) throws IOException {
        Files.createDirectories(folder);
        Map<String, String> passwords = new TreeMap<>();
        PasswordFile passwd = PasswordFile.read(folder.resolve(CredentialFiles.PASSWORD_FILE));
        for (String site : new TreeSet<>(sites)) {
            String password = Secrets.password(random);
            passwords.put(site, password);
            passwd = passwd.with(user(site), PasswordHash.of(password, random));
        }
        passwd.write(folder.resolve(CredentialFiles.PASSWORD_FILE));
        AclSections.write(folder.resolve(CredentialFiles.ACL_FILE), "federation", mosquittoAcl());
        Map<String, String> files = new LinkedHashMap<>();
        passwords.forEach((site, password) -> files.put(site, "# The federation credentials of site " + site
                + " at the shared broker (docs/federation.md).\nusername=" + user(site) + "\npassword=" + password
                + "\n"));
        for (Map.Entry<String, String> file : files.entrySet()) {
            Path path = folder.resolve(file.getKey() + ".credentials");
            // A new file is readable by its owner only (AtomicFile).
            AtomicFile.write(path, file.getValue());
        }
        return passwords;
    }
}
