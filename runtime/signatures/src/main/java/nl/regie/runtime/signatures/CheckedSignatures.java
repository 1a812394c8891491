package nl.regie.runtime.signatures;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.Security;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import nl.regie.runtime.spi.policy.JarSignatures;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What {@link JarSignatures#verify} found for the content that passed the signature check, by a SHA-256 of that content
 * (the caller's choice: the jar's bytes for the lifecycle, the bundle's entries for the sovereignty), so that the same
 * content offered again (the plugins at every start) need not be verified again. Only the cryptographic part is
 * remembered, which depends on nothing but the content and the checking code: whether the policy trusts the key is
 * asked again every time.
 *
 * <p>Kept in a folder of its own ({@code checked.json}), each entry with an HMAC-SHA256 under a random key made on the
 * first start ({@code hmac.key}, readable by its owner only). An entry is used only if its MAC holds and it was made by
 * the same checking code ({@code JarSignatures}' class bytes) on the same Java runtime with the same
 * {@code jdk.jar.disabledAlgorithms}; anything else in the file (a corrupt file, a forged or edited entry, another Java)
 * is ignored with a warning, and the content is verified in full as if nothing was kept. Without a folder nothing is
 * kept across restarts (memory only).
 *
 * <p>Not a bundle: the lifecycle and the sovereignty each carry a private copy of this package, each with its own
 * folder and key. Thread-safe.
 */
public final class CheckedSignatures {

    /** How many contents are remembered; the oldest is forgotten first. */
    public static final int MAX_ENTRIES = 64;

    private static final String FILE = "checked.json";
    private static final String KEY = "hmac.key";
    private static final int KEY_BYTES = 32;
    /** SHA-256's block size, for HMAC; the key is shorter, so it is used as it is. */
    private static final int HMAC_BLOCK = 64;
    private static final int FORMAT = 1;
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /** What a jar's verification found: the key that signed it, or empty for a jar that carries no signature. */
    public record Checked(Optional<JarSignatures.Signer> signer) {
    }

    /** Where warnings go. */
    public interface Warnings {
        void warn(String message);
    }

    private final Path folder;
    private final Warnings warnings;
    private final String context;
    private final ObjectMapper mapper = new ObjectMapper();
    /** By SHA-256, oldest first; only entries whose MAC held. Guarded by this. */
    private final Map<String, Checked> entries = new LinkedHashMap<>();
    /** Null when nothing can be kept across restarts. */
    private byte[] key;

    /**
     * Reads what was kept.
     *
     * @param folder   the record's own folder (made if missing), or null to remember in memory only
     * @param warnings where a record or key that cannot be used is reported
     */
    public CheckedSignatures(Path folder, Warnings warnings) {
        this(folder, warnings, currentContext());
    }

    /** With the checking code's context given (tests: another Java, other checking code). */
    public CheckedSignatures(Path folder, Warnings warnings, String context) {
        this.folder = folder;
        this.warnings = warnings;
        this.context = context;
        if (folder != null && context != null) {
            this.key = readOrMakeKey();
            if (key != null) {
                load();
            }
        }
    }

    /** What the verification of these bytes found before, if it is known and may be relied on. */
    public synchronized Optional<Checked> find(String sha256) {
        return Optional.ofNullable(entries.get(sha256));
    }

    /** Remembers what the verification of a jar that passed the check found. */
    public synchronized void remember(String sha256, Optional<JarSignatures.Signer> signer) {
        if (context == null || !SHA256.matcher(sha256).matches()) {
            return;
        }
        Checked checked = new Checked(signer);
        if (checked.equals(entries.get(sha256))) {
            return;
        }
        entries.remove(sha256);
        entries.put(sha256, checked);
        while (entries.size() > MAX_ENTRIES) {
            entries.remove(entries.keySet().iterator().next());
        }
        save();
    }

    private void load() {
        Path file = folder.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return;
        }
        JsonNode root;
        try {
            root = mapper.readTree(file.toFile());
        } catch (IOException | RuntimeException e) {
            warnings.warn("The record of checked plugin signatures " + file + " cannot be read (" + e.getMessage()
                    + "); every plugin's signature is checked in full");
            return;
        }
        if (root == null || !root.path("entries").isArray() || root.path("format").asInt() != FORMAT) {
            warnings.warn("The record of checked plugin signatures " + file + " is not format " + FORMAT
                    + "; every plugin's signature is checked in full");
            return;
        }
        int refused = 0;
        for (JsonNode entry : root.path("entries")) {
            String sha256 = entry.path("sha256").asText("");
            String fingerprint = entry.path("fingerprint").asText("");
            String subject = entry.path("subject").asText("");
            String madeBy = entry.path("context").asText("");
            if (SHA256.matcher(sha256).matches() && !madeBy.equals(context)) {
                continue; // another Java or other checking code: checked again, not an attack
            }
            String mac = mac(sha256, fingerprint, subject, madeBy);
            if (!SHA256.matcher(sha256).matches() || mac == null || !MessageDigest.isEqual(
                    mac.getBytes(StandardCharsets.US_ASCII), entry.path("mac").asText("").getBytes(StandardCharsets.US_ASCII))
                    || !fingerprint.isEmpty() && JarSignatures.normalise(fingerprint).filter(fingerprint::equals).isEmpty()) {
                refused++;
                continue;
            }
            entries.put(sha256, new Checked(fingerprint.isEmpty() ? Optional.empty()
                    : Optional.of(new JarSignatures.Signer(fingerprint, subject))));
            if (entries.size() > MAX_ENTRIES) {
                entries.remove(entries.keySet().iterator().next());
            }
        }
        if (refused > 0) {
            warnings.warn("The record of checked plugin signatures " + file + " holds " + refused + " entr"
                    + (refused == 1 ? "y" : "ies") + " whose MAC does not hold (edited or not made by this runtime);"
                    + " ignored: those jars' signatures are checked in full");
        }
    }

    private void save() {
        if (folder == null || key == null) {
            return;
        }
        ObjectNode root = mapper.createObjectNode();
        root.put("format", FORMAT);
        ArrayNode array = root.putArray("entries");
        entries.forEach((sha256, checked) -> {
            String fingerprint = checked.signer().map(JarSignatures.Signer::fingerprint).orElse("");
            String subject = checked.signer().map(JarSignatures.Signer::subject).orElse("");
            ObjectNode entry = array.addObject();
            entry.put("sha256", sha256);
            entry.put("fingerprint", fingerprint);
            entry.put("subject", subject);
            entry.put("context", context);
            entry.put("mac", mac(sha256, fingerprint, subject, context));
        });
        Path file = folder.resolve(FILE);
        Path temporary = folder.resolve(FILE + ".tmp");
        try {
            mapper.writeValue(temporary.toFile(), root);
            try {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            warnings.warn("Cannot write the record of checked plugin signatures " + file + ": " + e
                    + "; the next start checks them in full");
        }
    }

    /**
     * The MAC of an entry, hex; null if there is no key. HMAC-SHA256 (RFC 2104) written out over {@link MessageDigest}:
     * the same bytes as {@code javax.crypto.Mac}'s, without initialising the JCE framework (about 25 ms of a start's
     * CPU) for a few short entries.
     */
    private String mac(String sha256, String fingerprint, String subject, String madeBy) {
        if (key == null) {
            return null;
        }
        MessageDigest digest = sha256Digest();
        byte[] pad = new byte[HMAC_BLOCK];
        for (int i = 0; i < HMAC_BLOCK; i++) {
            pad[i] = (byte) ((i < key.length ? key[i] : 0) ^ 0x36);
        }
        digest.update(pad);
        // Lengths first, so no two different entries give the same text.
        for (String part : new String[] {sha256, fingerprint, subject, madeBy}) {
            byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
            digest.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
            digest.update(bytes);
        }
        byte[] inner = digest.digest();
        for (int i = 0; i < HMAC_BLOCK; i++) {
            pad[i] = (byte) ((i < key.length ? key[i] : 0) ^ 0x5c);
        }
        digest.update(pad);
        return HexFormat.of().formatHex(digest.digest(inner));
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** The key, made with owner-only permissions if there is none; null (remember nothing) if that fails. */
    private byte[] readOrMakeKey() {
        Path file = folder.resolve(KEY);
        try {
            Files.createDirectories(folder);
            if (Files.isRegularFile(file)) {
                byte[] read = Files.readAllBytes(file);
                if (read.length == KEY_BYTES) {
                    return read;
                }
                warnings.warn("The key " + file + " is " + read.length + " bytes, not " + KEY_BYTES
                        + "; a new one is made, and the plugins' signatures are checked in full");
                Files.delete(file);
            }
            byte[] made = new byte[KEY_BYTES];
            new SecureRandom().nextBytes(made);
            Path temporary = folder.resolve(KEY + ".tmp");
            Files.deleteIfExists(temporary);
            try {
                Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(temporary);
            }
            Files.write(temporary, made);
            Files.move(temporary, file);
            Files.deleteIfExists(folder.resolve(FILE)); // made under another key
            return made;
        } catch (FileAlreadyExistsException e) {
            warnings.warn("The key " + file + " appeared while it was made; plugin signatures are checked in full"
                    + " until the next start");
            return null;
        } catch (IOException e) {
            warnings.warn("Cannot read or make the key " + file + " (" + e + "); plugin signatures are checked in full"
                    + " at every start");
            return null;
        }
    }

    /**
     * What a verification's result depends on besides the jar: the checking code (the SHA-256 of JarSignatures'
     * class), the Java runtime and the algorithms it refuses in signed jars. Null if the class cannot be read: then
     * nothing is remembered.
     */
    public static String currentContext() {
        try (InputStream in = JarSignatures.class.getResourceAsStream("JarSignatures.class")) {
            if (in == null) {
                return null;
            }
            return "JarSignatures " + HexFormat.of().formatHex(sha256Digest().digest(in.readAllBytes())) + "; Java " + Runtime.version() + " "
                    + System.getProperty("java.vendor", "") + "; jdk.jar.disabledAlgorithms="
                    + Security.getProperty("jdk.jar.disabledAlgorithms");
        } catch (IOException e) {
            return null;
        }
    }
}
