package nl.regie.runtime.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import nl.regie.runtime.spi.lifecycle.LifecycleException;
import nl.regie.runtime.spi.lifecycle.LifecycleException.Reason;
import nl.regie.runtime.spi.policy.AccessPolicy;
import nl.regie.runtime.spi.policy.JarSignatures;
import nl.regie.runtime.testing.TestPolicy;
import nl.regie.runtime.testing.TestSigner;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Version;

/** A jar's signature checked as an attacker would try to get past it, and its key against the policy. */
class SignatureCheckTest {

    private static final String WHAT = "Cannot install nl.example";
    private static final TestSigner CONTRACTOR = TestSigner.demo("contractor");
    private static final TestSigner STRANGER = TestSigner.generated("stranger");

    private final TestPolicy policy = new TestPolicy().trustKey(CONTRACTOR.fingerprint(), "contractor");
    private final SignatureCheck strict = new SignatureCheck(false, () -> policy);

    @Test
    void aJarSignedWholeByATrustedKeyActsForItsParty() throws LifecycleException {
        SignatureCheck.Signer signer = strict.check(jar(CONTRACTOR.sign(TestJars.plugin("nl.example", "1.0.0"))), WHAT);
        assertEquals(CONTRACTOR.fingerprint(), signer.fingerprint());
        assertEquals("contractor", signer.party());
        assertEquals("key " + CONTRACTOR.fingerprint(), signer.describe());
        assertTrue(CONTRACTOR.fingerprint().matches("sha256:[0-9a-f]{64}"), CONTRACTOR.fingerprint());
    }

    @Test
    void anUnsignedJarIsRefusedUnlessUnsignedPluginsAreAllowedAndThenActsForNoParty() throws LifecycleException {
        PluginJar unsigned = jar(TestJars.plugin("nl.example", "1.0.0"));
        LifecycleException refused = assertThrows(LifecycleException.class, () -> strict.check(unsigned, WHAT));
        assertEquals(Reason.UNSIGNED, refused.reason());
        assertEquals(WHAT + ": nl.example 1.0.0 is not signed; sign it with jarsigner and a key the operator lists in"
                + " the policy's keys (on a developer's machine only, the launcher's --dev-unsigned-plugins lets"
                + " unsigned plugins in, acting for no party)", refused.getMessage());
        SignatureCheck.Signer signer = new SignatureCheck(true, () -> policy).check(unsigned, WHAT);
        assertEquals(AccessPolicy.NO_PARTY, signer.party());
        assertEquals("unsigned", signer.describe());
    }

    @Test
    void aKeyThePolicyDoesNotListIsRefusedNamingItsFingerprint() {
        PluginJar jar = jar(STRANGER.sign(TestJars.plugin("nl.example", "1.0.0")));
        LifecycleException refused = assertThrows(LifecycleException.class, () -> strict.check(jar, WHAT));
        assertEquals(Reason.UNTRUSTED_KEY, refused.reason());
        assertTrue(refused.getMessage().contains("is signed by CN=Regie test key stranger, key " + STRANGER.fingerprint()
                + ", which the policy does not list"), refused.getMessage());
        // The development flag lets unsigned jars in, not jars signed by keys nobody trusts.
        LifecycleException stillRefused = assertThrows(LifecycleException.class,
                () -> new SignatureCheck(true, () -> policy).check(jar, WHAT));
        assertEquals(Reason.UNTRUSTED_KEY, stillRefused.reason());
    }

    @Test
    void aClassChangedAfterSigningIsRefused() {
        byte[] signed = CONTRACTOR.sign(TestJars.plugin("nl.example", "1.0.0"));
        byte[] tampered = rewrite(signed, Map.of("nl/example/Plugin.class", new byte[] {(byte) 0xCA, (byte) 0xFF}));
        assertBadSignature(tampered, "entry nl/example/Plugin.class was changed after signing");
    }

    @Test
    void anUnsignedClassAddedToASignedJarIsRefused() {
        byte[] signed = CONTRACTOR.sign(TestJars.plugin("nl.example", "1.0.0"));
        byte[] grown = rewrite(signed, Map.of("nl/example/Backdoor.class", new byte[] {1, 2, 3}));
        assertBadSignature(grown, "it is only partly signed: entry nl/example/Backdoor.class not covered by its"
                + " signature");
    }

    @Test
    void aSignedClassRemovedIsRefused() {
        byte[] signed = CONTRACTOR.sign(TestJars.plugin("nl.example", "1.0.0"));
        byte[] shrunk = rewrite(signed, Map.of("nl/example/Plugin.class", new byte[0]), "nl/example/Plugin.class");
        assertBadSignature(shrunk, "it lacks entry nl/example/Plugin.class that its signature covers");
    }

    @Test
    void aManifestChangedAfterSigningIsRefused() throws IOException {
        byte[] signed = CONTRACTOR.sign(TestJars.plugin("nl.example", "1.0.0"));
        String manifest = new String(entry(signed, "META-INF/MANIFEST.MF"), StandardCharsets.UTF_8);
        byte[] renamed = rewrite(signed, Map.of("META-INF/MANIFEST.MF",
                manifest.replace("nl.example;", "nl.other;").getBytes(StandardCharsets.UTF_8)));
        assertBadSignature(renamed, "its manifest was changed after signing");
    }

    @Test
    void aJarSignedByTwoKeysIsRefused() {
        byte[] twice = STRANGER.sign(CONTRACTOR.sign(TestJars.plugin("nl.example", "1.0.0")));
        assertBadSignature(twice, "is signed by 2 keys; a plugin is signed by one");
    }

    @Test
    void aCertificateThatEndedLongAgoDoesNotStopAPlugin() throws LifecycleException {
        TestSigner expired = TestSigner.generated("expired", "2000/01/01 00:00:00", 1);
        policy.trustKey(expired.fingerprint(), "city");
        assertEquals("city", strict.check(jar(expired.sign(TestJars.plugin("nl.example", "1.0.0"))), WHAT).party());
    }

    @Test
    void aFingerprintIsWrittenAsKeytoolShowsItOrAsTheRuntimeDoes() {
        String hex = CONTRACTOR.fingerprint().substring("sha256:".length());
        StringBuilder colons = new StringBuilder("SHA256:");
        for (int i = 0; i < hex.length(); i += 2) {
            colons.append(i == 0 ? "" : ":").append(hex.substring(i, i + 2).toUpperCase());
        }
        assertEquals(CONTRACTOR.fingerprint(), JarSignatures.normalise(colons.toString()).orElseThrow());
        assertTrue(JarSignatures.normalise("sha256:" + hex.substring(2)).isEmpty());
        assertTrue(JarSignatures.normalise("md5:" + hex).isEmpty());
    }

    private void assertBadSignature(byte[] jar, String why) {
        LifecycleException refused = assertThrows(LifecycleException.class, () -> strict.check(jar(jar), WHAT));
        assertEquals(Reason.BAD_SIGNATURE, refused.reason(), refused.getMessage());
        assertTrue(refused.getMessage().startsWith(WHAT + ": the signature of nl.example 1.0.0 does not hold: "),
                refused.getMessage());
        assertTrue(refused.getMessage().contains(why), refused.getMessage());
    }

    private static PluginJar jar(byte[] bytes) {
        return new PluginJar("nl.example", Version.parseVersion("1.0.0"), bytes, "sha");
    }

    /** The jar with entries replaced or added, in place, and some left out. */
    private static byte[] rewrite(byte[] jar, Map<String, byte[]> replace, String... leaveOut) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(jar));
                ZipOutputStream out = new ZipOutputStream(bytes)) {
            java.util.Set<String> written = new java.util.HashSet<>(java.util.List.of(leaveOut));
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                if (!written.add(entry.getName())) {
                    continue;
                }
                out.putNextEntry(new ZipEntry(entry.getName()));
                out.write(replace.containsKey(entry.getName()) ? replace.get(entry.getName()) : in.readAllBytes());
                out.closeEntry();
            }
            for (Map.Entry<String, byte[]> added : replace.entrySet()) {
                if (written.add(added.getKey())) {
                    out.putNextEntry(new ZipEntry(added.getKey()));
                    out.write(added.getValue());
                    out.closeEntry();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static byte[] entry(byte[] jar, String name) throws IOException {
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(jar))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                if (entry.getName().equals(name)) {
                    return in.readAllBytes();
                }
            }
        }
        throw new IOException("no " + name);
    }
}
