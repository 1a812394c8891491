package nl.regie.mqtt.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswordHashTest {

    @TempDir
    Path dir;

    /** What Mosquitto's own tool writes, in both forms it knows, is read and checked. */
    @Test
    void readsAndChecksWhatMosquittoPasswdWrites() throws Exception {
        MosquittoPasswd.assumeInstalled();
        Path file = dir.resolve("passwd");
        MosquittoPasswd.run(dir, "-c", "-b", file.toString(), "pbkdf2-user", "correct horse");
        MosquittoPasswd.run(dir, "-H", "sha512", "-b", file.toString(), "sha512-user", "battery staple");
        MosquittoPasswd.run(dir, "-b", file.toString(), "unicode-user", "wachtwoord-ĳ-€");
        PasswordFile passwords = PasswordFile.read(file);
        assertEquals(java.util.List.of(), passwords.problems());

        PasswordHash pbkdf2 = passwords.hash("pbkdf2-user").orElseThrow();
        assertTrue(pbkdf2.text().startsWith("$7$101$"), pbkdf2.text());
        assertTrue(pbkdf2.matches("correct horse"));
        assertFalse(pbkdf2.matches("correct horse "));
        assertFalse(pbkdf2.matches(""));

        PasswordHash sha512 = passwords.hash("sha512-user").orElseThrow();
        assertTrue(sha512.text().startsWith("$6$"), sha512.text());
        assertTrue(sha512.matches("battery staple"));
        assertFalse(sha512.matches("battery"));

        assertTrue(passwords.hash("unicode-user").orElseThrow().matches("wachtwoord-ĳ-€"));
    }

    @Test
    void aNewHashIsPbkdf2WithAFreshSaltAndReadsBackTheSame() {
        SecureRandom random = new SecureRandom();
        PasswordHash first = PasswordHash.of("s3cret", random);
        PasswordHash second = PasswordHash.of("s3cret", random);
        assertTrue(first.text().matches("\\$7\\$101\\$[A-Za-z0-9+/]{16}\\$[A-Za-z0-9+/]{86}=="), first.text());
        assertFalse(first.text().equals(second.text()), "each hash has its own salt");
        assertEquals(first, PasswordHash.parse(first.text()));
        assertTrue(PasswordHash.parse(first.text()).matches("s3cret"));
        assertFalse(first.matches("S3cret"));
        assertFalse(first.toString().contains(first.text().substring(8, 20)), "toString shows no part of the hash");
    }

    /** PBKDF2-HMAC-SHA512 against the JDK's own implementation, for a password it can take (UTF-8 text). */
    @Test
    void pbkdf2IsTheStandardOne() throws Exception {
        byte[] salt = HexFormat.of().parseHex("0102030405060708090a0b0c");
        javax.crypto.SecretKeyFactory factory = javax.crypto.SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512");
        for (int iterations : new int[] {1, 2, 101, 1000}) {
            byte[] expected = factory.generateSecret(new javax.crypto.spec.PBEKeySpec("pässwörd".toCharArray(), salt,
                    iterations, 512)).getEncoded();
            assertEquals(HexFormat.of().formatHex(expected), HexFormat.of().formatHex(
                    PasswordHash.pbkdf2("pässwörd".getBytes(StandardCharsets.UTF_8), salt, iterations)), iterations + " iterations");
        }
    }

    /** Mosquitto hashes the password as a C string: what follows a NUL byte does not count. */
    @Test
    void bytesAfterANulDoNotCountAsInMosquitto() {
        PasswordHash hash = PasswordHash.of("abc", new SecureRandom());
        assertTrue(hash.matches(new byte[] {'a', 'b', 'c', 0, 'x'}));
        assertFalse(hash.matches(new byte[] {'a', 'b', 0, 'c'}));
    }

    /** An empty password has a hash too (mosquitto_passwd makes one); HMAC's empty key is handled. */
    @Test
    void anEmptyPasswordMatchesOnlyItself() throws Exception {
        MosquittoPasswd.assumeInstalled();
        Path file = dir.resolve("passwd");
        MosquittoPasswd.run(dir, "-c", "-b", file.toString(), "nobody", "");
        PasswordHash hash = PasswordFile.read(file).hash("nobody").orElseThrow();
        assertTrue(hash.matches(new byte[0]));
        assertFalse(hash.matches("x"));
    }

    @Test
    void aBadHashIsRefusedWithWhatIsWrong() {
        String salt = "AAAAAAAAAAAAAAAA";
        String hash = "A".repeat(86) + "==";
        assertProblem("", "no password hash");
        assertProblem("plaintext", "not hashed as Mosquitto 2 reads it");
        assertProblem("$5$" + salt + "$" + hash, "not hashed as Mosquitto 2 reads it");
        assertProblem("$7$101$" + salt, "must have 4 parts");
        assertProblem("$6$101$" + salt + "$" + hash, "must have 3 parts");
        assertProblem("$7$x$" + salt + "$" + hash, "iteration count 'x'");
        assertProblem("$7$0$" + salt + "$" + hash, "iteration count '0'");
        assertProblem("$7$2000000$" + salt + "$" + hash, "from 1 to 1000000");
        assertProblem("$7$101$AAAA$" + hash, "salt must be 12 bytes, is 3");
        assertProblem("$7$101$!!!!$" + hash, "salt is not base64");
        assertProblem("$7$101$" + salt + "$AAAA", "hash must be 64 bytes, is 3");
        assertEquals("$7$101$" + salt + "$" + hash, PasswordHash.parse("$7$101$" + salt + "$" + hash).text());
    }

    private static void assertProblem(String text, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PasswordHash.parse(text));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void secretsAreLongRandomAndSafeInAPasswordFile() {
        SecureRandom random = new SecureRandom();
        String one = Secrets.password(random);
        assertTrue(one.matches("[A-Za-z0-9_-]{43}"), one);
        assertFalse(one.equals(Secrets.password(random)));
        assertTrue(Files.isDirectory(dir));
    }
}
