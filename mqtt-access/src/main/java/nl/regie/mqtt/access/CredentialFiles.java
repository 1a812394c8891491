package nl.regie.mqtt.access;

import java.nio.file.Path;

/**
 * Where the devices' credentials are kept: {@code <state dir>/broker/passwd} (a Mosquitto 2 password file) and
 * {@code <state dir>/broker/acl} (the site's {@link AccessRules} as a Mosquitto ACL). The runtime writes both; the
 * launcher's embedded broker reads them; an external Mosquitto may be pointed at them.
 */
public final class CredentialFiles {

    /** The folder within the state folder. */
    public static final String FOLDER = "broker";
    /** The password file's name. */
    public static final String PASSWORD_FILE = "passwd";
    /** The ACL file's name. */
    public static final String ACL_FILE = "acl";

    private CredentialFiles() {
    }

    /** The folder of the credential files for a state folder. */
    public static Path folder(Path stateDir) {
        return stateDir.resolve(FOLDER);
    }

    /** The password file for a state folder. */
    public static Path passwordFile(Path stateDir) {
        return folder(stateDir).resolve(PASSWORD_FILE);
    }

    /** The ACL file for a state folder. */
    public static Path aclFile(Path stateDir) {
        return folder(stateDir).resolve(ACL_FILE);
    }
}
