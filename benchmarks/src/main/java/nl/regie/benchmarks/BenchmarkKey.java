package nl.regie.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;

import jdk.security.jarsigner.JarSigner;

/**
 * The key the benchmark's plugins are signed with, as the runtime lets in only plugins signed by a key its policy
 * lists: made for each run by the JDK's keytool in the work folder (valid 2000 to 2099), and listed for the city in the
 * policy {@link EmbeddedRegie} (and the soak, for the launcher's config folder) writes.
 */
public final class BenchmarkKey {

    private static final String ALIAS = "benchmark";
    private static final String PASSWORD = "benchmark";

    private final PrivateKey key;
    private final List<Certificate> chain;
    private final String fingerprint;

    private BenchmarkKey(PrivateKey key, List<Certificate> chain, String fingerprint) {
        this.key = key;
        this.chain = chain;
        this.fingerprint = fingerprint;
    }

    /** Makes a key in {@code folder}. */
    public static BenchmarkKey make(Path folder) throws IOException {
        Path store = Files.createDirectories(folder).resolve(ALIAS + ".p12");
        Files.deleteIfExists(store);
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        try {
            Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-keystore", store.toString(),
                    "-storetype", "PKCS12", "-storepass", PASSWORD, "-alias", ALIAS, "-keyalg", "EC", "-groupname",
                    "secp256r1", "-dname", "CN=Regie benchmarks", "-startdate", "2000/01/01 00:00:00",
                    "-validity", "36500").redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("keytool could not make the benchmark's signing key: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while keytool made the benchmark's signing key", e);
        }
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore pkcs12 = KeyStore.getInstance("PKCS12");
            pkcs12.load(in, PASSWORD.toCharArray());
            List<Certificate> chain = List.of(pkcs12.getCertificateChain(ALIAS));
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(chain.get(0).getEncoded());
            return new BenchmarkKey((PrivateKey) pkcs12.getKey(ALIAS, PASSWORD.toCharArray()), chain,
                    "sha256:" + HexFormat.of().formatHex(digest));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the benchmark's signing key: " + e.getMessage(), e);
        }
    }

    /** Its fingerprint, as the policy's {@code keys} rule writes it. */
    public String fingerprint() {
        return fingerprint;
    }

    /** A signed copy of a jar, signed as jarsigner signs. */
    public byte[] sign(byte[] jar, Path scratch) {
        try {
            Path unsigned = Files.createTempFile(Files.createDirectories(scratch), "unsigned-", ".jar");
            try {
                Files.write(unsigned, jar);
                ByteArrayOutputStream signed = new ByteArrayOutputStream();
                try (ZipFile zip = new ZipFile(unsigned.toFile())) {
                    new JarSigner.Builder(key, CertificateFactory.getInstance("X.509").generateCertPath(chain))
                            .digestAlgorithm("SHA-256").signerName("BENCH").build().sign(zip, signed);
                }
                return signed.toByteArray();
            } finally {
                Files.deleteIfExists(unsigned);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with the benchmark's key: " + e.getMessage(), e);
        }
    }
}
