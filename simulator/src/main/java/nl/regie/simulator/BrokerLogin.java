package nl.regie.simulator;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * The user name, and optionally the password, with which the simulator's connections log in to a broker that asks
 * for them. The password never shows in {@link #toString()}.
 */
public final class BrokerLogin {

    private final String username;
    private final byte[] password;

    /**
     * A login as {@code username}, with {@code password} (UTF-8 on the wire), or without one when it is
     * {@code null}.
     *
     * @throws IllegalArgumentException for an empty user name
     */
    public BrokerLogin(String username, String password) {
        if (Objects.requireNonNull(username, "username").isEmpty()) {
            throw new IllegalArgumentException("the user name must not be empty");
        }
        this.username = username;
        this.password = password == null ? null : password.getBytes(StandardCharsets.UTF_8);
    }

    public String username() {
        return username;
    }

    /** Whether a password goes with the user name. */
    public boolean hasPassword() {
        return password != null;
    }

    /** A copy of the password's bytes, or {@code null} without one. */
    byte[] password() {
        return password == null ? null : Arrays.copyOf(password, password.length);
    }

    @Override
    public String toString() {
        return "BrokerLogin[" + username + (password == null ? ", no password]" : ", password ***]");
    }
}
