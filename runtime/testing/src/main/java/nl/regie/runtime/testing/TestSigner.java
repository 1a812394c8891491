package nl.regie.runtime.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertPath;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;

import nl.regie.runtime.spi.policy.JarSignatures;

import jdk.security.jarsigner.JarSigner;

/**
 * Signs jars in tests the way {@code jarsigner} does ({@link JarSigner}, the JDK's own API), with one key: a demo key
 * committed in {@code config/keys} ({@link #demo}), or a key made for the test run ({@link #generated}, by the JDK's
 * {@code keytool}). Every certificate is valid from 2000 to 2099, so no test depends on today's date.
 */
public final class TestSigner {

    /** The password of the demo keystores in {@code config/keys}. */
    public static final String DEMO_PASSWORD = "regie-demo";

    private final PrivateKey key;
    private final CertPath certificates;
    private final String fingerprint;
    private final String signerName;

    private TestSigner(String alias, PrivateKey key, List<Certificate> chain) throws GeneralSecurityException {
        String name = alias.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9_-]", "_");
        this.signerName = name.substring(0, Math.min(8, name.length()));
        this.key = key;
        this.certificates = CertificateFactory.getInstance("X.509").generateCertPath(chain);
        this.fingerprint = JarSignatures.fingerprint(chain.get(0));
    }

    /** The committed demo key of a party: {@code city}, {@code contractor} or {@code waterboard}. */
    public static TestSigner demo(String party) {
        return load(demoKeystore(party), party, DEMO_PASSWORD);
    }

    /** The demo keystore of a party, found from the working directory up to the repository's {@code config/keys}. */
    public static Path demoKeystore(String party) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path store = dir.resolve("config").resolve("keys").resolve(party + ".p12");
            if (Files.isRegularFile(store)) {
                return store;
            }
        }
        throw new IllegalStateException("no config/keys/" + party + ".p12 above " + Path.of("").toAbsolutePath());
    }

    /** A key made now, by keytool, in a temporary keystore: a key no policy lists unless the test adds it. */
    public static TestSigner generated(String name) {
        return generated(name, "2000/01/01 00:00:00", 36500);
    }

    /**
     * A key made now whose certificate is valid from {@code start} ({@code yyyy/MM/dd HH:mm:ss}) for {@code days}: a
     * certificate that ended long ago, say.
     */
    public static TestSigner generated(String name, String start, int days) {
        try {
            Path dir = Files.createTempDirectory("regie-test-key-");
            Path store = dir.resolve(name + ".p12");
            Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
            Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-keystore", store.toString(),
                    "-storetype", "PKCS12", "-storepass", DEMO_PASSWORD, "-alias", name, "-keyalg", "EC",
                    "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA", "-dname", "CN=Regie test key " + name,
                    "-startdate", start, "-validity", String.valueOf(days)).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool could not make a key: " + output);
            }
            TestSigner signer = load(store, name, DEMO_PASSWORD);
            Files.delete(store);
            Files.delete(dir);
            return signer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A key from a PKCS#12 keystore. */
    public static TestSigner load(Path keystore, String alias, String password) {
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password.toCharArray());
            PrivateKey key = (PrivateKey) Objects.requireNonNull(store.getKey(alias, password.toCharArray()),
                    "no key " + alias + " in " + keystore);
            return new TestSigner(alias, key, List.of(store.getCertificateChain(alias)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read key " + alias + " from " + keystore + ": " + e.getMessage(), e);
        }
    }

    /** The fingerprint of this key's certificate, as the policy's {@code keys} rule writes it. */
    public String fingerprint() {
        return fingerprint;
    }

    /** The subject of this key's certificate. */
    public String subject() {
        return ((X509Certificate) certificates.getCertificates().get(0)).getSubjectX500Principal().getName();
    }

    /** A signed copy of a jar. */
    public byte[] sign(byte[] jar) {
        try {
            Path unsigned = Files.createTempFile("regie-unsigned-", ".jar");
            try {
                Files.write(unsigned, jar);
                ByteArrayOutputStream signed = new ByteArrayOutputStream();
                try (ZipFile in = new ZipFile(unsigned.toFile())) {
                    new JarSigner.Builder(key, certificates).digestAlgorithm("SHA-256").signerName(signerName).build().sign(in, signed);
                }
                return signed.toByteArray();
            } finally {
                Files.deleteIfExists(unsigned);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with " + subject() + ": " + e.getMessage(), e);
        }
    }

    /** Signs a jar file in place. */
    public void signFile(Path jar) {
        try {
            Files.write(jar, sign(Files.readAllBytes(jar)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
