package nl.regie.launcher.broker;

import java.security.SecureRandom;
import java.util.Objects;

import nl.regie.mqtt.access.AccessRules;
import nl.regie.mqtt.access.Secrets;

/**
 * The embedded broker's own users, besides the devices of the password file: the runtime's device bridge and the
 * simulated city. Their passwords are made at each start, kept in memory and handed to the two clients only (the
 * bridge gets its own as framework properties); they are never written to a file.
 *
 * @param bridge    the runtime's device bridge
 * @param simulator the simulated city
 */
public record BrokerLogins(Login bridge, Login simulator) {

    /**
     * A user name and its password; {@link #toString()} never shows the password.
     *
     * @param username the user name
     * @param password the password
     */
    public record Login(String username, String password) {

        /** Checks both are there. */
        public Login {
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(password, "password");
        }

        @Override
        public String toString() {
            return "Login[" + username + ", password ***]";
        }
    }

    /** Checks both are there, under two names. */
    public BrokerLogins {
        Objects.requireNonNull(bridge, "bridge");
        Objects.requireNonNull(simulator, "simulator");
        if (bridge.username().equals(simulator.username())) {
            throw new IllegalArgumentException("the bridge and the simulator need user names of their own");
        }
    }

    /** {@value AccessRules#BRIDGE_USER} and {@value AccessRules#SIMULATOR_USER}, each with a new random password. */
    public static BrokerLogins random(SecureRandom random) {
        return new BrokerLogins(new Login(AccessRules.BRIDGE_USER, Secrets.password(random)),
                new Login(AccessRules.SIMULATOR_USER, Secrets.password(random)));
    }
}
