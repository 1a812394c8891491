package nl.regie.runtime.spi.devices;

import java.util.List;
import java.util.Objects;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The devices' MQTT credentials: a Mosquitto 2 password file and ACL in the runtime's state folder, which the
 * launcher's embedded broker reads and an external Mosquitto can read as they are. Only a hash of each password is
 * kept; the password itself is in the answer to {@link #provision} or {@link #renew} and nowhere else. Every change is
 * audited. Registered by the runtime's devices bundle; the HTTP API's {@code POST /api/devices} and
 * {@code /api/devices/{id}/credentials} call it. Part of the runtime SPI: runtime bundles only.
 */
@ProviderType
public interface DeviceCredentials {

    /**
     * Gives new devices credentials, all of them or none.
     *
     * @param deviceIds the devices, each one a device id that may have credentials and none having them yet
     * @param actor     who asks, for the audit log (an HTTP token's name, {@code operator})
     * @param party     the party the actor acts for, or ""
     * @return each device's new credentials, in the order asked
     * @throws CredentialsException naming the first id that is malformed, reserved, given twice or provisioned
     *                              already (nothing changes then), or saying why the files cannot be written
     */
    List<Issued> provision(List<String> deviceIds, String actor, String party) throws CredentialsException;

    /**
     * Gives a device that has credentials a new password; the old one stops working at once (the embedded broker
     * disconnects the device if it is connected).
     *
     * @throws CredentialsException {@link CredentialsException.Reason#UNKNOWN} when it has none
     */
    Issued renew(String deviceId, String actor, String party) throws CredentialsException;

    /**
     * Takes a device's credentials away: it can no longer connect (the embedded broker disconnects it at once).
     *
     * @throws CredentialsException {@link CredentialsException.Reason#UNKNOWN} when it has none
     */
    void revoke(String deviceId, String actor, String party) throws CredentialsException;

    /** Whether a device has credentials now. */
    boolean has(String deviceId);

    /** Where the files are, how many devices have credentials, and what is wrong with the password file. */
    Store store();

    /**
     * New credentials, as the device needs them: it logs in as {@code username} with {@code password}, with
     * {@code clientId} as its MQTT client id, and uses the topics under {@code topicPrefix}.
     *
     * @param deviceId    the device
     * @param username    its MQTT user name (the device id)
     * @param password    its password, shown once
     * @param clientId    the MQTT client id it connects with (the device id)
     * @param topicPrefix {@code regie/v1/{site}/dev/{deviceId}/}
     */
    record Issued(String deviceId, String username, String password, String clientId, String topicPrefix) {

        /** Everything but the password. */
        @Override
        public String toString() {
            return "Issued[" + deviceId + ", user " + username + ", client id " + clientId + ", topics " + topicPrefix
                    + "*]";
        }
    }

    /**
     * The credential files.
     *
     * @param passwordFile the password file (Mosquitto's {@code password_file})
     * @param aclFile      the ACL file (Mosquitto's {@code acl_file})
     * @param devices      how many devices have credentials
     * @param problems     each bad line of the password file, by line number; such a line is kept as it is and its
     *                     user cannot log in
     */
    record Store(String passwordFile, String aclFile, int devices, List<String> problems) {

        /** Copies the problems. */
        public Store {
            problems = List.copyOf(problems);
        }
    }

    /** Why a request about credentials was refused; nothing changed. */
    final class CredentialsException extends Exception {

        private static final long serialVersionUID = 1L;

        /** What kind of refusal. */
        public enum Reason {
            /** A malformed or reserved device id, or a malformed request. */
            INVALID,
            /** The device has credentials already. */
            DUPLICATE,
            /** The device has no credentials. */
            UNKNOWN,
            /** The files cannot be read or written. */
            FAILED
        }

        private final Reason reason;

        public CredentialsException(Reason reason, String message) {
            super(message);
            this.reason = Objects.requireNonNull(reason, "reason");
        }

        public CredentialsException(Reason reason, String message, Throwable cause) {
            super(message, cause);
            this.reason = Objects.requireNonNull(reason, "reason");
        }

        public Reason reason() {
            return reason;
        }
    }
}
