package nl.regie.itests;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.CertPath;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipFile;

import jdk.security.jarsigner.JarSigner;

/**
 * The demo keys committed in {@code config/keys} (one per party: city, contractor, waterboard), for signing the test
 * plugins as {@code jarsigner} does. The runtime lets in only signed plugins, and a plugin acts for the party of the
 * key that signed it: the tests sign with the city's key unless they say otherwise, and trust it in the policy
 * ({@link RegieTestSupport}). Runs inside the probe: the framework exports {@code jdk.security.jarsigner}.
 */
enum TestKeys {
    CITY("city"), CONTRACTOR("contractor"), WATERBOARD("waterboard"),
    /** A key no policy lists: made for the test run by the JDK's keytool, valid 2000 to 2099. */
    STRANGER("stranger");

    private final String alias;
    private volatile Loaded loaded;

    private record Loaded(PrivateKey key, CertPath chain, String fingerprint) {
    }

    TestKeys(String alias) {
        this.alias = alias;
    }

    /** Its fingerprint, as the policy's {@code keys} rule writes it. */
    String fingerprint() {
        return load().fingerprint();
    }

    /** A {@code keys} element trusting this key for a party. */
    String trustedFor(String party) {
        return party + " " + fingerprint();
    }

    /** The policy's {@code keys} as the shipped policy has them: each demo key for the party it is named after. */
    static String[] demoPolicyKeys() {
        return new String[] {CITY.trustedFor("city"), CONTRACTOR.trustedFor("contractor"),
            WATERBOARD.trustedFor("waterboard")};
    }

    /** A signed copy of a jar. */
    InputStream sign(InputStream jar) {
        try {
            Path unsigned = Files.createTempFile(RegieFramework.workDirectory().toPath(), "unsigned-", ".jar");
            try {
                try (InputStream in = jar) {
                    Files.write(unsigned, in.readAllBytes());
                }
                ByteArrayOutputStream signed = new ByteArrayOutputStream();
                try (ZipFile zip = new ZipFile(unsigned.toFile())) {
                    new JarSigner.Builder(load().key(), load().chain()).digestAlgorithm("SHA-256")
                            .signerName(alias.toUpperCase(Locale.ROOT).substring(0, Math.min(8, alias.length())))
                            .build().sign(zip, signed);
                }
                return new ByteArrayInputStream(signed.toByteArray());
            } finally {
                Files.deleteIfExists(unsigned);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with the demo key " + alias + ": " + e.getMessage(), e);
        }
    }

    private Loaded load() {
        Loaded keys = loaded;
        if (keys == null) {
            File store = keystore();
            try (InputStream in = Files.newInputStream(store.toPath())) {
                KeyStore pkcs12 = KeyStore.getInstance("PKCS12");
                pkcs12.load(in, "regie-demo".toCharArray());
                List<Certificate> chain = List.of(pkcs12.getCertificateChain(alias));
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(chain.get(0).getEncoded());
                keys = new Loaded((PrivateKey) pkcs12.getKey(alias, "regie-demo".toCharArray()),
                        CertificateFactory.getInstance("X.509").generateCertPath(chain),
                        "sha256:" + HexFormat.of().formatHex(digest));
                loaded = keys;
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalStateException("cannot read the demo key " + alias + " from " + store, e);
            }
        }
        return keys;
    }

    /** The keystore: the stranger's made in the work folder; the others found from there up to {@code config/keys}. */
    private File keystore() {
        if (this == STRANGER) {
            return strangerKeystore();
        }
        for (File dir = RegieFramework.workDirectory().getAbsoluteFile(); dir != null; dir = dir.getParentFile()) {
            File store = new File(dir, "config/keys/" + alias + ".p12");
            if (store.isFile()) {
                return store;
            }
        }
        throw new IllegalStateException("no config/keys/" + alias + ".p12 above " + RegieFramework.workDirectory());
    }

    private File strangerKeystore() {
        File store = new File(RegieFramework.workDirectory(), "keys/" + alias + "-" + ProcessHandle.current().pid() + ".p12");
        if (store.isFile()) {
            return store;
        }
        try {
            Files.createDirectories(store.toPath().getParent());
            Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
            Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-keystore", store.getPath(),
                    "-storetype", "PKCS12", "-storepass", "regie-demo", "-alias", alias, "-keyalg", "EC",
                    "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA", "-dname", "CN=Regie itests stranger",
                    "-startdate", "2000/01/01 00:00:00", "-validity", "36500").redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool could not make the stranger's key: " + output);
            }
            return store;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
