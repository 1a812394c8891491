package nl.regie.mqtt.access;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One user's password as a Mosquitto 2 password file keeps it: never the password, a salted hash of it, in one of
 * the two forms Mosquitto 2.0 reads (its {@code src/security_default.c}):
 * <ul>
 * <li>{@code $7$<iterations>$<salt>$<hash>}: PBKDF2-HMAC-SHA512 of the password, what {@code mosquitto_passwd}
 * writes (101 iterations unless told otherwise), and what Regie writes;</li>
 * <li>{@code $6$<salt>$<hash>}: SHA-512 of the password followed by the salt, Mosquitto 1.x's form.</li>
 * </ul>
 * The salt is 12 bytes and the hash 64, both in standard base64 with padding. Mosquitto hashes the password as a C
 * string, so the bytes up to the first NUL count; so does {@link #matches}.
 *
 * <p>{@value #DEFAULT_ITERATIONS} iterations are enough for the passwords Regie makes ({@link Secrets}: 256 random
 * bits, which no number of iterations makes easier or harder to guess); they keep a login cheap when thousands of
 * devices connect at once. A password a person chose deserves more ({@code mosquitto_passwd -I}); at most
 * {@value #MAX_ITERATIONS} are read, so that one line cannot make every login of its user take seconds.
 */
public final class PasswordHash {

    /** What {@code mosquitto_passwd} uses, and Regie too. */
    public static final int DEFAULT_ITERATIONS = 101;
    /** The most iterations a hash may ask for. */
    public static final int MAX_ITERATIONS = 1_000_000;
    static final int SALT_BYTES = 12;
    static final int HASH_BYTES = 64;

    private final boolean pbkdf2;
    private final int iterations;
    private final byte[] salt;
    private final byte[] hash;

    private PasswordHash(boolean pbkdf2, int iterations, byte[] salt, byte[] hash) {
        this.pbkdf2 = pbkdf2;
        this.iterations = iterations;
        this.salt = salt;
        this.hash = hash;
    }

    /** A new {@code $7$} hash of {@code password} with a fresh random salt and {@value #DEFAULT_ITERATIONS} iterations. */
    public static PasswordHash of(String password, SecureRandom random) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] bytes = password.getBytes(StandardCharsets.UTF_8);
        return new PasswordHash(true, DEFAULT_ITERATIONS, salt, pbkdf2(bytes, salt, DEFAULT_ITERATIONS));
    }

    /**
     * Reads the hash part of a password file line ({@code $7$...} or {@code $6$...}).
     *
     * @throws IllegalArgumentException saying what is wrong with it (never quoting it)
     */
    public static PasswordHash parse(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("it has no password hash after the ':'");
        }
        String[] parts = text.split("\\$", -1);
        if (parts.length < 2 || !parts[0].isEmpty() || !(parts[1].equals("6") || parts[1].equals("7"))) {
            throw new IllegalArgumentException("its password is not hashed as Mosquitto 2 reads it ($7$<iterations>$<salt>$<hash>"
                    + " or $6$<salt>$<hash>; a plain password must be hashed first, for example with mosquitto_passwd -U)");
        }
        boolean pbkdf2 = parts[1].equals("7");
        int expected = pbkdf2 ? 5 : 4;
        if (parts.length != expected) {
            throw new IllegalArgumentException("its $" + parts[1] + "$ hash must have " + (expected - 1) + " parts after"
                    + " the first '$' (" + (pbkdf2 ? "$7$<iterations>$<salt>$<hash>" : "$6$<salt>$<hash>") + "), has "
                    + (parts.length - 1));
        }
        int iterations = 0;
        int next = 2;
        if (pbkdf2) {
            try {
                iterations = Integer.parseInt(parts[2]);
            } catch (NumberFormatException e) {
                iterations = -1;
            }
            if (iterations < 1 || iterations > MAX_ITERATIONS) {
                throw new IllegalArgumentException("its iteration count '" + parts[2] + "' must be a whole number from 1 to "
                        + MAX_ITERATIONS);
            }
            next = 3;
        }
        byte[] salt = decode(parts[next], "salt", SALT_BYTES);
        byte[] hash = decode(parts[next + 1], "hash", HASH_BYTES);
        return new PasswordHash(pbkdf2, iterations, salt, hash);
    }

    private static byte[] decode(String text, String what, int length) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("its " + what + " is not base64", e);
        }
        if (bytes.length != length) {
            throw new IllegalArgumentException("its " + what + " must be " + length + " bytes, is " + bytes.length);
        }
        return bytes;
    }

    /** Whether {@code password} (the bytes an MQTT client sent) is the password this is the hash of; constant time. */
    public boolean matches(byte[] password) {
        byte[] asCString = password;
        for (int i = 0; i < password.length; i++) {
            if (password[i] == 0) {
                asCString = Arrays.copyOf(password, i);
                break;
            }
        }
        return MessageDigest.isEqual(hash, compute(asCString));
    }

    /** Whether {@code password} (as UTF-8) is the password this is the hash of. */
    public boolean matches(String password) {
        return matches(password.getBytes(StandardCharsets.UTF_8));
    }

    private byte[] compute(byte[] password) {
        if (pbkdf2) {
            return pbkdf2(password, salt, iterations);
        }
        try {
            MessageDigest sha512 = MessageDigest.getInstance("SHA-512");
            sha512.update(password);
            sha512.update(salt);
            return sha512.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-512 is missing from this JVM", e);
        }
    }

    /** PBKDF2 (RFC 8018) with HMAC-SHA512, one block: the 64 bytes Mosquitto keeps. */
    static byte[] pbkdf2(byte[] password, byte[] salt, int iterations) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA512");
            // HMAC pads its key with zero bytes, so an empty key and a single zero byte are the same key; the
            // JDK refuses an empty one.
            hmac.init(new SecretKeySpec(password.length == 0 ? new byte[1] : password, "HmacSHA512"));
            hmac.update(salt);
            hmac.update(new byte[] {0, 0, 0, 1});
            byte[] u = hmac.doFinal();
            byte[] t = u.clone();
            for (int i = 1; i < iterations; i++) {
                u = hmac.doFinal(u);
                for (int j = 0; j < t.length; j++) {
                    t[j] ^= u[j];
                }
            }
            return t;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA512 is missing from this JVM", e);
        }
    }

    /** The hash as a password file line holds it after the user name and ':'. */
    public String text() {
        Base64.Encoder base64 = Base64.getEncoder();
        return (pbkdf2 ? "$7$" + iterations + "$" : "$6$") + base64.encodeToString(salt) + "$" + base64.encodeToString(hash);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PasswordHash that && pbkdf2 == that.pbkdf2 && iterations == that.iterations
                && Arrays.equals(salt, that.salt) && Arrays.equals(hash, that.hash);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(hash);
    }

    /** Says what kind of hash it is, never the hash. */
    @Override
    public String toString() {
        return pbkdf2 ? "PasswordHash[PBKDF2-HMAC-SHA512, " + iterations + " iterations]" : "PasswordHash[SHA-512]";
    }
}
