package nl.regie.runtime.spi.policy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.CodeSigner;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Pattern;

/**
 * Checks the signature of a plugin jar as the JDK's jar verification does ({@code jarsigner}'s own format), and
 * says which key signed it. A jar passes only whole: every entry outside the signature files is signed, all by the
 * same single key, none changed after signing, none the signature names missing, and the manifest covered (the
 * JDK refuses a manifest changed after signing). The certificate's validity dates are not looked at: trust comes from
 * the operator listing the key's fingerprint in the policy, not from a certificate authority, so a plugin does not
 * stop working on the day its certificate ends.
 *
 * <p>The jar is read with {@link JarFile} through its central directory, the same view the framework installs from.
 */
public final class JarSignatures {

    /** How a key's fingerprint is written: {@code sha256:} and the SHA-256 of its certificate, 64 lower-case hex digits. */
    public static final String FINGERPRINT_PREFIX = "sha256:";

    private static final Pattern FINGERPRINT = Pattern.compile("(?i)sha256:([0-9a-f]{2}(:?[0-9a-f]{2}){31})");
    private static final Pattern SIGNATURE_FILE = Pattern.compile(
            "META-INF/([^/]+\\.(SF|RSA|DSA|EC)|SIG-[^/]+)", Pattern.CASE_INSENSITIVE);

    private JarSignatures() {
    }

    /** Who signed a jar: the fingerprint of the signer's certificate and its subject, for people. */
    public record Signer(String fingerprint, String subject) {
    }

    /** A jar whose signature does not hold: partly signed, changed after signing, or signed by several keys. */
    public static final class BadSignatureException extends Exception {

        private static final long serialVersionUID = 1L;

        public BadSignatureException(String message) {
            super(message);
        }
    }

    /**
     * Verifies a jar.
     *
     * @return the key that signed every entry, or empty when the jar carries no signature at all
     * @throws BadSignatureException when it is signed but not whole, saying which entry and why
     * @throws IOException           when the file cannot be read as a jar
     */
    public static Optional<Signer> verify(Path jar) throws BadSignatureException, IOException {
        try (JarFile file = new JarFile(jar.toFile(), true)) {
            Manifest manifest;
            try {
                manifest = file.getManifest();
            } catch (SecurityException e) {
                throw new BadSignatureException("its manifest does not match its signature (" + e.getMessage() + ")");
            }
            List<String> unsigned = new ArrayList<>();
            Set<String> present = new HashSet<>();
            Certificate signer = null;
            boolean signatureFiles = false;
            byte[] buffer = new byte[8192];
            for (Enumeration<JarEntry> entries = file.entries(); entries.hasMoreElements(); ) {
                JarEntry entry = entries.nextElement();
                String name = entry.getName();
                present.add(name);
                if (entry.isDirectory() || name.equalsIgnoreCase(JarFile.MANIFEST_NAME)) {
                    continue;
                }
                if (SIGNATURE_FILE.matcher(name).matches()) {
                    signatureFiles = true;
                    continue;
                }
                try (InputStream in = file.getInputStream(entry)) {
                    while (in.read(buffer) >= 0) {
                        // Reading the entry to its end is what makes the JDK check its digest.
                    }
                } catch (SecurityException e) {
                    String message = String.valueOf(e.getMessage());
                    throw new BadSignatureException((message.contains("Manifest") ? "its manifest"
                            : "entry " + name) + " was changed after signing (" + message + ")");
                }
                CodeSigner[] signers = entry.getCodeSigners();
                if (signers == null || signers.length == 0) {
                    unsigned.add(name);
                    continue;
                }
                if (signers.length > 1) {
                    throw new BadSignatureException("entry " + name + " is signed by " + signers.length
                            + " keys; a plugin is signed by one");
                }
                Certificate certificate = signers[0].getSignerCertPath().getCertificates().get(0);
                if (signer == null) {
                    signer = certificate;
                } else if (!signer.equals(certificate)) {
                    throw new BadSignatureException("entry " + name + " is signed by " + subject(certificate)
                            + ", other entries by " + subject(signer) + "; a plugin is signed by one key");
                }
            }
            List<String> missing = new ArrayList<>();
            if (manifest != null && signatureFiles) {
                for (var section : manifest.getEntries().entrySet()) {
                    if (digested(section.getValue()) && !present.contains(section.getKey())) {
                        missing.add(section.getKey());
                    }
                }
            }
            if (!missing.isEmpty()) {
                throw new BadSignatureException("it lacks " + describe(missing)
                        + " that its signature covers (removed after signing?)");
            }
            if (signer == null) {
                if (signatureFiles) {
                    throw new BadSignatureException("it has signature files in META-INF but no entry its signature"
                            + " covers (a jar with nothing but its manifest, or every entry replaced)");
                }
                return Optional.empty();
            }
            if (!unsigned.isEmpty()) {
                throw new BadSignatureException("it is only partly signed: " + describe(unsigned)
                        + " not covered by its signature (added after signing?)");
            }
            return Optional.of(new Signer(fingerprint(signer), subject(signer)));
        }
    }

    /** The fingerprint of a certificate: {@code sha256:} and the SHA-256 of its DER encoding, lower-case hex. */
    public static String fingerprint(Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return FINGERPRINT_PREFIX + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot take the SHA-256 of a certificate: " + e.getMessage(), e);
        }
    }

    /**
     * A fingerprint as an operator writes it, in the form {@link #fingerprint} gives: {@code sha256:} and 64 hex
     * digits, upper or lower case, with or without the colons {@code keytool -list -v} puts between bytes.
     *
     * @return the normalised fingerprint, or empty if the text is not one
     */
    public static Optional<String> normalise(String text) {
        if (text == null || !FINGERPRINT.matcher(text.trim()).matches()) {
            return Optional.empty();
        }
        String hex = text.trim().substring(FINGERPRINT_PREFIX.length()).replace(":", "").toLowerCase(Locale.ROOT);
        return Optional.of(FINGERPRINT_PREFIX + hex);
    }

    private static boolean digested(Attributes attributes) {
        return attributes.keySet().stream().anyMatch(key -> key.toString().toUpperCase(Locale.ROOT).endsWith("-DIGEST"));
    }

    private static String subject(Certificate certificate) {
        return certificate instanceof X509Certificate x509 ? x509.getSubjectX500Principal().getName()
                : certificate.getType() + " certificate";
    }

    private static String describe(List<String> names) {
        String shown = String.join(", ", names.subList(0, Math.min(3, names.size())));
        return (names.size() == 1 ? "entry " : names.size() + " entries (") + shown
                + (names.size() > 3 ? ", ...)" : names.size() > 1 ? ")" : "");
    }
}
