package nl.regie.runtime.devices.credentials;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import nl.regie.mqtt.access.AccessRules;
import nl.regie.mqtt.access.AtomicFile;
import nl.regie.mqtt.access.CredentialFiles;
import nl.regie.mqtt.access.PasswordFile;
import nl.regie.mqtt.access.PasswordHash;
import nl.regie.mqtt.access.Secrets;
import nl.regie.runtime.spi.devices.DeviceCredentials.CredentialsException;
import nl.regie.runtime.spi.devices.DeviceCredentials.CredentialsException.Reason;
import nl.regie.runtime.spi.devices.DeviceCredentials.Issued;
import nl.regie.runtime.spi.devices.DeviceCredentials.Store;

/**
 * The devices' MQTT credentials in one folder: {@value #PASSWORD_FILE}, a Mosquitto 2 password file (one
 * {@code deviceId:hash} line per device, nothing else, so that {@code mosquitto_passwd} can keep it too), and
 * {@value #ACL_FILE}, the site's {@linkplain AccessRules access rules} as a Mosquitto ACL. The launcher's embedded
 * broker reads both from here; an external Mosquitto can be pointed at them.
 *
 * <p>Each change reads the password file as it is now (an operator may have edited it), changes the one device's line
 * and nothing else (comments, other users and bad lines stay as they were), and writes it whole in one rename. A
 * request that is refused changes nothing. Plain Java, thread-safe: changes are serialized.
 */
public final class CredentialStore {

    /** The password file's name in the folder. */
    public static final String PASSWORD_FILE = CredentialFiles.PASSWORD_FILE;
    /** The ACL file's name in the folder. */
    public static final String ACL_FILE = CredentialFiles.ACL_FILE;
    /** The most devices one request may provision. */
    public static final int MAX_PER_REQUEST = 10_000;

    private final Path passwordFile;
    private final Path aclFile;
    private final AccessRules rules;
    private final Set<String> reserved;
    private final SecureRandom random;
    private final Object changes = new Object();
    private volatile Snapshot snapshot = new Snapshot(null, PasswordFile.empty());

    /** The password file as last read, and what its file looked like then. */
    private record Snapshot(Object stamp, PasswordFile file) {
    }

    /**
     * A store in {@code folder}.
     *
     * @param rules    the site's access rules (site, the bridge's and the simulator's user names)
     * @param reserved user names and client ids of Regie's own clients besides those of {@code rules} (a bridge client
     *                 id set in configuration, say), which no device may take
     */
    public CredentialStore(Path folder, AccessRules rules, Set<String> reserved, SecureRandom random) {
        this.passwordFile = folder.resolve(PASSWORD_FILE);
        this.aclFile = folder.resolve(ACL_FILE);
        this.rules = Objects.requireNonNull(rules, "rules");
        Set<String> names = new HashSet<>(reserved);
        names.add(rules.bridgeUser());
        names.add(rules.simulatorUser());
        this.reserved = Set.copyOf(names);
        this.random = Objects.requireNonNull(random, "random");
    }

    public Path passwordFile() {
        return passwordFile;
    }

    public Path aclFile() {
        return aclFile;
    }

    /**
     * Writes the ACL file if its text is not the rules' already, and an empty password file if there is none (a
     * Mosquitto pointed at a missing one does not start).
     */
    public void prepare() throws IOException {
        synchronized (changes) {
            String acl = rules.mosquittoAcl();
            String written;
            try {
                written = Files.readString(aclFile, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                written = null;
            }
            if (!acl.equals(written)) {
                AtomicFile.write(aclFile, acl);
            }
            if (!Files.exists(passwordFile)) {
                PasswordFile.empty().write(passwordFile);
            }
        }
    }

    /** Gives new devices credentials, all or none; see {@link nl.regie.runtime.spi.devices.DeviceCredentials#provision}. */
    public List<Issued> provision(List<String> deviceIds) throws CredentialsException {
        if (deviceIds.isEmpty()) {
            throw new CredentialsException(Reason.INVALID, "no device ids given");
        }
        if (deviceIds.size() > MAX_PER_REQUEST) {
            throw new CredentialsException(Reason.INVALID, deviceIds.size() + " devices in one request; at most "
                    + MAX_PER_REQUEST);
        }
        Set<String> seen = new HashSet<>();
        for (String id : deviceIds) {
            check(id);
            if (!seen.add(id)) {
                throw new CredentialsException(Reason.INVALID, "device id '" + id + "' is asked for twice");
            }
        }
        synchronized (changes) {
            PasswordFile file = read();
            for (String id : deviceIds) {
                if (file.contains(id)) {
                    throw new CredentialsException(Reason.DUPLICATE, "device '" + id + "' has credentials already;"
                            + " renew them for a new password, or revoke them first");
                }
            }
            List<Issued> issued = new ArrayList<>(deviceIds.size());
            for (String id : deviceIds) {
                String password = Secrets.password(random);
                file = file.with(id, PasswordHash.of(password, random));
                issued.add(issued(id, password));
            }
            write(file);
            return issued;
        }
    }

    /** A new password for a device that has credentials; see {@link nl.regie.runtime.spi.devices.DeviceCredentials#renew}. */
    public Issued renew(String deviceId) throws CredentialsException {
        check(deviceId);
        synchronized (changes) {
            PasswordFile file = read();
            if (!file.contains(deviceId)) {
                throw unknown(deviceId);
            }
            String password = Secrets.password(random);
            write(file.with(deviceId, PasswordHash.of(password, random)));
            return issued(deviceId, password);
        }
    }

    /** Takes a device's credentials away; see {@link nl.regie.runtime.spi.devices.DeviceCredentials#revoke}. */
    public void revoke(String deviceId) throws CredentialsException {
        check(deviceId);
        synchronized (changes) {
            PasswordFile file = read();
            if (!file.contains(deviceId)) {
                throw unknown(deviceId);
            }
            write(file.without(deviceId));
        }
    }

    /** Whether a device has a good line in the password file as it is now. */
    public boolean has(String deviceId) {
        try {
            return current().contains(deviceId);
        } catch (IOException e) {
            return false;
        }
    }

    /** Where the files are, how many devices have credentials, the password file's problems. */
    public Store store() {
        PasswordFile file;
        List<String> problems = new ArrayList<>();
        try {
            file = current();
            problems.addAll(file.problems());
        } catch (IOException e) {
            file = PasswordFile.empty();
            problems.add("cannot read " + passwordFile + ": " + e);
        }
        int devices = (int) file.users().stream().filter(user -> !reserved.contains(user)).count();
        return new Store(passwordFile.toString(), aclFile.toString(), devices, problems);
    }

    /** The password file, read again only when its file changed since the last read. */
    private PasswordFile current() throws IOException {
        Object stamp = stamp();
        Snapshot last = snapshot;
        if (stamp != null && stamp.equals(last.stamp())) {
            return last.file();
        }
        PasswordFile file = PasswordFile.read(passwordFile);
        snapshot = new Snapshot(stamp, file);
        return file;
    }

    private Object stamp() throws IOException {
        try {
            BasicFileAttributes attributes = Files.readAttributes(passwordFile, BasicFileAttributes.class);
            return List.of(String.valueOf(attributes.fileKey()), attributes.lastModifiedTime(), attributes.size());
        } catch (NoSuchFileException e) {
            return "missing";
        }
    }

    private PasswordFile read() throws CredentialsException {
        try {
            return PasswordFile.read(passwordFile);
        } catch (IOException e) {
            throw new CredentialsException(Reason.FAILED, "cannot read the password file " + passwordFile + ": " + e, e);
        }
    }

    private void write(PasswordFile file) throws CredentialsException {
        try {
            file.write(passwordFile);
        } catch (IOException e) {
            throw new CredentialsException(Reason.FAILED, "cannot write the password file " + passwordFile + ": " + e
                    + "; nothing changed", e);
        }
    }

    private void check(String id) throws CredentialsException {
        Optional<String> problem = AccessRules.deviceIdProblem(id);
        if (problem.isPresent()) {
            throw new CredentialsException(Reason.INVALID, problem.get());
        }
        if (reserved.contains(id)) {
            throw new CredentialsException(Reason.INVALID, "device id '" + id + "' is the MQTT user name or client id"
                    + " of one of Regie's own clients (the bridge, the simulator)");
        }
    }

    private static CredentialsException unknown(String id) {
        return new CredentialsException(Reason.UNKNOWN, "device '" + id + "' has no credentials");
    }

    private Issued issued(String id, String password) {
        return new Issued(id, id, password, id, rules.devicePrefix(id));
    }
}
