package nl.regie.mqtt.access;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The broker's access for a site whose device ingest is split over edge runtimes ({@code --role edge}, docs/scaling.md):
 * <ul>
 * <li>each edge logs in as {@code regie-edge-{site}-{n}}; it reads the devices' telemetry, through the shared
 * subscription {@code $share/{group}/regie/v1/{site}/dev/+/tele}, and publishes only on the edge wire
 * {@code regie/v1/{site}/edge/+}: not on device topics, not in another site's namespace;</li>
 * <li>the core logs in as {@code regie-core-{site}}; it reads the edge wire and the devices' presence and answers, and
 * publishes the devices' commands;</li>
 * <li>devices (user name = device id) publish only their own telemetry, birth and answers and read their own commands
 * (the {@code pattern} lines of {@link AccessRules}), so a device can never publish on the edge wire.</li>
 * </ul>
 * {@link #write} writes the Mosquitto 2 password file ({@code passwd}, adding to the one there), this site's section of
 * the ACL ({@code acl}, beside the other sections there: the federation's, other sites' edges) and one launcher options
 * file per runtime ({@code {user}.properties}: {@code mqtt-username} and {@code mqtt-password}, readable by the owner
 * only), which its launcher's {@code --config} names. Devices' own credentials come from the runtime that issues them.
 */
public final class EdgeAccess {

    /** The shared subscription group edges use unless configured otherwise ({@code edge.group}). */
    public static final String DEFAULT_GROUP = "regie-edges";
    /** At most this many edges per site: more would need a broker of their own anyway. */
    public static final int MAX_EDGES = 1000;

    private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final AccessRules devices;
    private final int edges;
    private final String group;

    private EdgeAccess(AccessRules devices, int edges, String group) {
        this.devices = devices;
        this.edges = edges;
        this.group = group;
    }

    /** The access of {@code site} with {@code edges} edges in group {@value #DEFAULT_GROUP}. */
    public static EdgeAccess of(String site, int edges) {
        return of(site, edges, DEFAULT_GROUP);
    }

    /**
     * The access of {@code site} with {@code edges} edges in the shared subscription group {@code group}.
     *
     * @throws IllegalArgumentException naming a bad site, number of edges or group
     */
    public static EdgeAccess of(String site, int edges, String group) {
        AccessRules devices = AccessRules.forSite(site);
        if (edges < 1 || edges > MAX_EDGES) {
            throw new IllegalArgumentException("a site needs 1 to " + MAX_EDGES + " edges, not " + edges);
        }
        if (group == null || !GROUP.matcher(group).matches()) {
            throw new IllegalArgumentException("shared subscription group '" + group + "' must be 1 to 64 letters,"
                    + " digits, '.', '_' or '-'");
        }
        return new EdgeAccess(devices, edges, group);
    }

    /** The core runtime's user name at the broker. */
    public static String coreUser(String site) {
        return "regie-core-" + site;
    }

    /** Edge {@code n}'s (from 1) user name at the broker; also its client id, so the broker keeps its session. */
    public static String edgeUser(String site, int n) {
        return "regie-edge-" + site + "-" + n;
    }

    public String site() {
        return devices.site();
    }

    /** The core's user, then every edge's. */
    public List<String> users() {
        List<String> users = new ArrayList<>();
        users.add(coreUser(site()));
        for (int n = 1; n <= edges; n++) {
            users.add(edgeUser(site(), n));
        }
        return users;
    }

    /** This site's lines of the Mosquitto 2 ACL ({@code acl_file}): the core, each edge, and every device. */
    public String mosquittoAcl() {
        String site = site();
        String dev = "regie/v1/" + site + "/dev/";
        String wire = "regie/v1/" + site + "/edge/+";
        StringBuilder text = new StringBuilder()
                .append("# Regie site ").append(site).append(" with edge runtimes (docs/scaling.md), as Mosquitto 2 ACL")
                .append(" lines. Only edges\n# publish on the edge wire; the core reads it; devices publish their own")
                .append(" topics only.\n")
                .append("user ").append(coreUser(site)).append('\n')
                .append("topic read ").append(wire).append('\n')
                .append("topic read ").append(dev).append("+/state\n")
                .append("topic read ").append(dev).append("+/ack/+\n")
                .append("topic write ").append(dev).append("+/cmd/+\n");
        for (int n = 1; n <= edges; n++) {
            text.append('\n').append("user ").append(edgeUser(site, n)).append('\n')
                    .append("topic read $share/").append(group).append('/').append(dev).append("+/tele\n")
                    .append("topic read ").append(dev).append("+/tele\n")
                    .append("topic write ").append(wire).append('\n');
        }
        text.append('\n').append("# Every device: its user name is its device id (%u).\n")
                .append(devices.devicePatterns());
        return text.toString();
    }

    /**
     * Writes the password file (a new random password for the core and each edge, other users kept), this site's
     * section of the ACL and each runtime's options file into {@code folder}.
     *
     * @return each user's password, by user
     */
    public Map<String, String> write(Path folder, SecureRandom random) throws IOException {
        Files.createDirectories(folder);
        Map<String, String> passwords = new TreeMap<>();
        Path passwdFile = folder.resolve(CredentialFiles.PASSWORD_FILE);
        PasswordFile passwd = PasswordFile.read(passwdFile);
        for (String user : users()) {
            String password = Secrets.password(random);
            passwords.put(user, password);
            passwd = passwd.with(user, PasswordHash.of(password, random));
        }
        passwd.write(passwdFile);
        AclSections.write(folder.resolve(CredentialFiles.ACL_FILE), "edges " + site(), mosquittoAcl());
        for (Map.Entry<String, String> user : passwords.entrySet()) {
            // A new file is readable by its owner only (AtomicFile).
            AtomicFile.write(folder.resolve(user.getKey() + ".properties"), "# The broker credentials of "
                    + user.getKey() + " (docs/scaling.md), for the launcher's --config.\nmqtt-username = "
                    + user.getKey() + "\nmqtt-password = " + user.getValue() + "\n");
        }
        return passwords;
    }
}
