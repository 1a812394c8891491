package nl.regie.runtime.lifecycle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import nl.regie.runtime.signatures.CheckedSignatures;
import nl.regie.runtime.spi.lifecycle.LifecycleException;
import nl.regie.runtime.spi.lifecycle.LifecycleException.Reason;
import nl.regie.runtime.spi.policy.AccessPolicy;
import nl.regie.runtime.spi.policy.JarSignatures;
import nl.regie.runtime.testing.TestPolicy;
import nl.regie.runtime.testing.TestSigner;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What the signature check remembers across restarts, and that what it remembers can neither be changed nor
 * outlive what it depends on: the jar's bytes, the checking code and Java; the policy is asked every time.
 */
class CheckedSignaturesTest {

    private static final String WHAT = "Cannot install nl.example";
    private static final TestSigner CONTRACTOR = TestSigner.demo("contractor");
    private static final TestSigner STRANGER = TestSigner.generated("stranger");

    @TempDir
    Path state;

    private final List<String> warnings = new ArrayList<>();
    private final AtomicReference<AccessPolicy> policy = new AtomicReference<>(
            new TestPolicy().trustKey(CONTRACTOR.fingerprint(), "contractor"));

    @Test
    void aJarThatPassedIsKnownAfterARestartByItsChecksumAndStillActsForItsParty() throws Exception {
        PluginJar signed = jar(normalised(CONTRACTOR.sign(TestJars.plugin("nl.example", "1.0.0"))));
        assertEquals("contractor", check(signed).party());
        CheckedSignatures restarted = restarted();
        JarSignatures.Signer known = restarted.find(signed.sha256()).orElseThrow().signer().orElseThrow();
        assertEquals(CONTRACTOR.fingerprint(), known.fingerprint());
        assertEquals("contractor", new SignatureCheck(false, policy::get, restarted).check(signed, WHAT).party());
        assertEquals(List.of(), warnings);
        if (Files.getFileStore(state).supportsFileAttributeView("posix")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                    state.resolve(LifecycleComponent.SIGNATURES_FOLDER).resolve("hmac.key"))));
        }
    }

    @Test
    void aRememberedResultIsUsedInsteadOfVerifying() throws Exception {
        // What the record says is what counts: here it is written with the runtime's own key for an unsigned jar, to
        // show that the jar is not verified again (and why the record must be the runtime's own: see the MAC tests).
        PluginJar unsigned = jar(TestJars.plugin("nl.example", "1.0.0"));
        new CheckedSignatures(state.resolve(LifecycleComponent.SIGNATURES_FOLDER), warnings::add).remember(unsigned.sha256(),
                Optional.of(new JarSignatures.Signer(CONTRACTOR.fingerprint(), "CN=recorded")));
        assertEquals("contractor", new SignatureCheck(false, policy::get, restarted()).check(unsigned, WHAT).party());
    }

    @Test
    void aJarTamperedInPlaceWithTheSameNameAndSizeIsVerifiedInFull() throws Exception {
        byte[] signed = normalised(CONTRACTOR.sign(TestJars.plugin("nl.example", "1.0.0")));
        check(jar(signed));
        byte[] tampered = rewrite(signed, Map.of("nl/example/Plugin.class", new byte[] {(byte) 0xCA, (byte) 0xFF}));
        assertEquals(signed.length, tampered.length, "the same size");
        assertNotEquals(Jars.sha256(signed), Jars.sha256(tampered));
        LifecycleException refused = assertThrows(LifecycleException.class, () -> check(jar(tampered)));
        assertEquals(Reason.BAD_SIGNATURE, refused.reason(), refused.getMessage());
        assertTrue(refused.getMessage().contains("entry nl/example/Plugin.class was changed after signing"),
                refused.getMessage());
        assertTrue(restarted().find(Jars.sha256(tampered)).isEmpty(), "a refused jar is not remembered");
    }

    @Test
    void thePolicyIsAskedEveryTime() throws Exception {
        PluginJar signed = jar(normalised(CONTRACTOR.sign(TestJars.plugin("nl.example", "1.0.0"))));
        check(signed);
        policy.set(new TestPolicy().trustKey(CONTRACTOR.fingerprint(), "city"));
        assertEquals("city", new SignatureCheck(false, policy::get, restarted()).check(signed, WHAT).party(),
                "the key now acts for another party");
        policy.set(new TestPolicy().trustKey(STRANGER.fingerprint(), "contractor"));
        LifecycleException refused = assertThrows(LifecycleException.class,
                () -> new SignatureCheck(false, policy::get, restarted()).check(signed, WHAT));
        assertEquals(Reason.UNTRUSTED_KEY, refused.reason(), "the key was taken out of the policy");
    }

    @Test
    void anUnsignedJarRememberedPassesOnlyWhileUnsignedPluginsAreAllowed() throws Exception {
        PluginJar unsigned = jar(TestJars.plugin("nl.example", "1.0.0"));
        new SignatureCheck(true, policy::get, new CheckedSignatures(state.resolve(LifecycleComponent.SIGNATURES_FOLDER), warnings::add)).check(unsigned, WHAT);
        assertTrue(restarted().find(unsigned.sha256()).orElseThrow().signer().isEmpty());
        LifecycleException refused = assertThrows(LifecycleException.class,
                () -> new SignatureCheck(false, policy::get, restarted()).check(unsigned, WHAT));
        assertEquals(Reason.UNSIGNED, refused.reason());
    }

    @Test
    void aCorruptRecordIsIgnoredWithAWarningAndTheJarsAreVerifiedInFull() throws Exception {
        PluginJar signed = jar(normalised(CONTRACTOR.sign(TestJars.plugin("nl.example", "1.0.0"))));
        check(signed);
        Files.writeString(record(), "{\"format\": 1, \"entries\": [tru");
        CheckedSignatures restarted = restarted();
        assertTrue(restarted.find(signed.sha256()).isEmpty());
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("cannot be read"), warnings.toString());
        assertEquals("contractor", new SignatureCheck(false, policy::get, restarted).check(signed, WHAT).party());
        assertTrue(restarted().find(signed.sha256()).isPresent(), "written again, whole");
    }

    @Test
    void anEditedEntryIsIgnored() throws Exception {
        PluginJar signed = jar(normalised(STRANGER.sign(TestJars.plugin("nl.example", "1.0.0"))));
        policy.set(new TestPolicy().trustKey(CONTRACTOR.fingerprint(), "contractor")
                .trustKey(STRANGER.fingerprint(), "stranger"));
        check(signed);
        // Someone who can write the state folder claims the contractor's key signed it.
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = (ObjectNode) mapper.readTree(record().toFile());
        ((ObjectNode) root.path("entries").get(0)).put("fingerprint", CONTRACTOR.fingerprint());
        mapper.writeValue(record().toFile(), root);
        CheckedSignatures restarted = restarted();
        assertTrue(restarted.find(signed.sha256()).isEmpty());
        assertTrue(warnings.get(0).contains("1 entry whose MAC does not hold"), warnings.toString());
        assertEquals("stranger", new SignatureCheck(false, policy::get, restarted).check(signed, WHAT).party(),
                "verified in full: the key that really signed it");
    }

    @Test
    void aForgedEntryForAnUnsignedJarDoesNotLetItIn() throws Exception {
        PluginJar unsigned = jar(TestJars.plugin("nl.example", "1.0.0"));
        check(jar(normalised(CONTRACTOR.sign(TestJars.plugin("nl.other", "1.0.0"))))); // the folder and its key exist
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = (ObjectNode) mapper.readTree(record().toFile());
        ObjectNode forged = ((ObjectNode) root.path("entries").get(0)).deepCopy();
        forged.put("sha256", unsigned.sha256());
        root.withArray("entries").add(forged);
        root.withArray("entries").add(mapper.createObjectNode().put("sha256", "../../etc").put("mac", "x"));
        root.withArray("entries").add(mapper.createObjectNode().put("sha256", 42));
        mapper.writeValue(record().toFile(), root);
        LifecycleException refused = assertThrows(LifecycleException.class,
                () -> new SignatureCheck(false, policy::get, restarted()).check(unsigned, WHAT));
        assertEquals(Reason.UNSIGNED, refused.reason());
        assertTrue(warnings.get(0).contains("3 entries whose MAC does not hold"), warnings.toString());
    }

    @Test
    void theMacIsHmacSha256OfTheEntry() throws Exception {
        PluginJar signed = jar(normalised(CONTRACTOR.sign(TestJars.plugin("nl.example", "1.0.0"))));
        check(signed);
        byte[] key = Files.readAllBytes(state.resolve(LifecycleComponent.SIGNATURES_FOLDER).resolve("hmac.key"));
        JsonNode entry = new ObjectMapper().readTree(record().toFile()).path("entries").get(0);
        Mac hmac = Mac.getInstance("HmacSHA256");
        hmac.init(new SecretKeySpec(key, "HmacSHA256"));
        for (String field : new String[] {"sha256", "fingerprint", "subject", "context"}) {
            byte[] bytes = entry.path(field).asText().getBytes(StandardCharsets.UTF_8);
            hmac.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
            hmac.update(bytes);
        }
        assertEquals(HexFormat.of().formatHex(hmac.doFinal()), entry.path("mac").asText());
    }

    @Test
    void aReplacedKeyInvalidatesEverything() throws Exception {
        PluginJar signed = jar(normalised(CONTRACTOR.sign(TestJars.plugin("nl.example", "1.0.0"))));
        check(signed);
        Path key = state.resolve(LifecycleComponent.SIGNATURES_FOLDER).resolve("hmac.key");
        byte[] old = Files.readAllBytes(key);
        Files.write(key, new byte[] {1, 2, 3});
        assertTrue(restarted().find(signed.sha256()).isEmpty());
        assertTrue(warnings.get(0).contains("is 3 bytes, not 32"), warnings.toString());
        assertFalse(java.util.Arrays.equals(old, Files.readAllBytes(key)), "a new key");
        assertEquals(32, Files.size(key));
        assertFalse(Files.exists(record()), "what the old key signed is gone");
    }

    @Test
    void anotherJavaOrOtherCheckingCodeChecksAgain() throws Exception {
        PluginJar signed = jar(normalised(CONTRACTOR.sign(TestJars.plugin("nl.example", "1.0.0"))));
        check(signed);
        String context = CheckedSignatures.currentContext();
        assertTrue(context.startsWith("JarSignatures "), context);
        assertTrue(context.contains("jdk.jar.disabledAlgorithms="), context);
        assertTrue(new CheckedSignatures(state.resolve(LifecycleComponent.SIGNATURES_FOLDER), warnings::add, context + " (another Java)").find(signed.sha256()).isEmpty());
        assertEquals(List.of(), warnings, "not a warning: nothing is wrong");
        assertTrue(restarted().find(signed.sha256()).isPresent(), "the same Java still finds it");
    }

    @Test
    void theOldestAreForgottenPastTheLimit() {
        CheckedSignatures checked = new CheckedSignatures(state.resolve(LifecycleComponent.SIGNATURES_FOLDER), warnings::add);
        List<String> sums = new ArrayList<>();
        for (int i = 0; i <= CheckedSignatures.MAX_ENTRIES; i++) {
            sums.add(Jars.sha256(("jar " + i).getBytes(StandardCharsets.UTF_8)));
            checked.remember(sums.get(i), Optional.empty());
        }
        CheckedSignatures restarted = restarted();
        assertTrue(restarted.find(sums.get(0)).isEmpty());
        assertTrue(restarted.find(sums.get(1)).isPresent());
        assertTrue(restarted.find(sums.get(CheckedSignatures.MAX_ENTRIES)).isPresent());
    }

    @Test
    void withoutAStateFolderItRemembersInMemoryOnly() throws Exception {
        CheckedSignatures memory = new CheckedSignatures(null, warnings::add);
        PluginJar signed = jar(normalised(CONTRACTOR.sign(TestJars.plugin("nl.example", "1.0.0"))));
        new SignatureCheck(false, policy::get, memory).check(signed, WHAT);
        assertTrue(memory.find(signed.sha256()).isPresent());
        try (var files = Files.list(state)) {
            assertEquals(0, files.count());
        }
    }

    private SignatureCheck.Signer check(PluginJar jar) throws LifecycleException {
        return new SignatureCheck(false, policy::get, new CheckedSignatures(state.resolve(LifecycleComponent.SIGNATURES_FOLDER), warnings::add)).check(jar, WHAT);
    }

    private CheckedSignatures restarted() {
        return new CheckedSignatures(state.resolve(LifecycleComponent.SIGNATURES_FOLDER), warnings::add);
    }

    private Path record() {
        return state.resolve(LifecycleComponent.SIGNATURES_FOLDER).resolve("checked.json");
    }

    private static PluginJar jar(byte[] bytes) {
        return new PluginJar("nl.example", org.osgi.framework.Version.parseVersion("1.0.0"), bytes, Jars.sha256(bytes));
    }

    /** The same entries, zipped again as {@link #rewrite} does, so a rewrite changes nothing but what it replaces. */
    private static byte[] normalised(byte[] jar) throws IOException {
        byte[] once = rewrite(jar, Map.of());
        assertArrayEquals(once, rewrite(once, Map.of()));
        return once;
    }

    private static byte[] rewrite(byte[] jar, Map<String, byte[]> replace) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(jar));
                ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                ZipEntry copy = new ZipEntry(entry.getName());
                copy.setTime(0);
                out.putNextEntry(copy);
                out.write(replace.containsKey(entry.getName()) ? replace.get(entry.getName()) : in.readAllBytes());
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }
}
