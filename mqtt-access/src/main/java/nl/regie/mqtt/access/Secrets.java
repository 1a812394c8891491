package nl.regie.mqtt.access;

import java.security.SecureRandom;
import java.util.Base64;

/** Passwords Regie makes: 32 random bytes, URL-safe base64 without padding (43 characters, no ':' and no '$'). */
public final class Secrets {

    private static final int BYTES = 32;

    private Secrets() {
    }

    /** A new password. */
    public static String password(SecureRandom random) {
        byte[] bytes = new byte[BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
