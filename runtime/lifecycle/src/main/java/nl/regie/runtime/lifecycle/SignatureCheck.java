package nl.regie.runtime.lifecycle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

import nl.regie.runtime.signatures.CheckedSignatures;
import nl.regie.runtime.spi.lifecycle.LifecycleException;
import nl.regie.runtime.spi.lifecycle.LifecycleException.Reason;
import nl.regie.runtime.spi.policy.AccessPolicy;
import nl.regie.runtime.spi.policy.JarSignatures;

/**
 * Checks the signature of a jar offered to the lifecycle before anything in the framework is touched: signed whole
 * by one key ({@link JarSignatures}), and that key listed in the operator's policy. An unsigned jar passes only when
 * the runtime runs with unsigned plugins allowed (framework property {@value #UNSIGNED_PROPERTY}, the launcher's
 * {@code --dev-unsigned-plugins}); it then acts for no party.
 */
final class SignatureCheck {

    /** The framework property that lets unsigned plugin jars in, on a developer's machine. */
    static final String UNSIGNED_PROPERTY = "regie.plugins.unsigned";

    private final boolean unsignedAllowed;
    private final Supplier<AccessPolicy> policy;
    private final CheckedSignatures checked;

    /** The key that signed a jar, and the party it acts for; both {@link AccessPolicy#NO_PARTY}-like for unsigned. */
    record Signer(String fingerprint, String party) {

        static final Signer UNSIGNED = new Signer("", AccessPolicy.NO_PARTY);

        /** How the audit log and the console name the key. */
        String describe() {
            return fingerprint.isEmpty() ? "unsigned" : "key " + fingerprint;
        }
    }

    /** A check that remembers nothing beyond this object (in memory). */
    SignatureCheck(boolean unsignedAllowed, Supplier<AccessPolicy> policy) {
        this(unsignedAllowed, policy, new CheckedSignatures(null, message -> { }));
    }

    /**
     * @param checked what earlier verifications found, by the jar's SHA-256: the same bytes are not verified again,
     *                but their key is judged against the policy every time
     */
    SignatureCheck(boolean unsignedAllowed, Supplier<AccessPolicy> policy, CheckedSignatures checked) {
        this.unsignedAllowed = unsignedAllowed;
        this.policy = policy;
        this.checked = checked;
    }

    boolean unsignedAllowed() {
        return unsignedAllowed;
    }

    /**
     * Checks a jar's signature and its key. Bytes that passed before (the same SHA-256) are not verified again: what
     * their verification found is taken from {@link CheckedSignatures}; their key is judged against the policy anew.
     *
     * @param what how a refusal starts, naming the operation and plugin
     * @return who signed it, or {@link Signer#UNSIGNED} when it is unsigned and that is allowed
     * @throws LifecycleException UNSIGNED, BAD_SIGNATURE or UNTRUSTED_KEY, saying why and what to do
     */
    Signer check(PluginJar jar, String what) throws LifecycleException {
        Optional<CheckedSignatures.Checked> known = checked.find(jar.sha256());
        Optional<JarSignatures.Signer> signer = known.isPresent() ? known.get().signer() : verify(jar, what);
        Signer passed = judge(jar, signer, what);
        if (known.isEmpty()) {
            checked.remember(jar.sha256(), signer);
        }
        return passed;
    }

    /** Whether the policy (or the unsigned setting) lets in a jar that verification found signed by this key. */
    private Signer judge(PluginJar jar, Optional<JarSignatures.Signer> signer, String what) throws LifecycleException {
        if (signer.isEmpty()) {
            if (unsignedAllowed) {
                return Signer.UNSIGNED;
            }
            throw new LifecycleException(Reason.UNSIGNED, what + ": " + jar.describe() + " is not signed; sign it with"
                    + " jarsigner and a key the operator lists in the policy's keys (on a developer's machine only, the"
                    + " launcher's --dev-unsigned-plugins lets unsigned plugins in, acting for no party)");
        }
        String fingerprint = signer.get().fingerprint();
        AccessPolicy current = policy.get();
        Optional<String> party = current == null ? Optional.empty() : current.partyOfKey(fingerprint);
        if (party.isEmpty()) {
            throw new LifecycleException(Reason.UNTRUSTED_KEY, what + ": " + jar.describe() + " is signed by "
                    + signer.get().subject() + ", key " + fingerprint + ", which the policy does not list; the operator"
                    + " trusts it by adding '{party} " + fingerprint + "' to keys in nl.regie.runtime.policy.cfg");
        }
        return new Signer(fingerprint, party.get());
    }

    private static Optional<JarSignatures.Signer> verify(PluginJar jar, String what) throws LifecycleException {
        Path copy = null;
        try {
            copy = Files.createTempFile("regie-verify-", ".jar");
            Files.write(copy, jar.bytes());
            return JarSignatures.verify(copy);
        } catch (JarSignatures.BadSignatureException e) {
            throw new LifecycleException(Reason.BAD_SIGNATURE, what + ": the signature of " + jar.describe()
                    + " does not hold: " + e.getMessage());
        } catch (IOException e) {
            throw new LifecycleException(Reason.BAD_SIGNATURE, what + ": the signature of " + jar.describe()
                    + " cannot be checked: " + e.getMessage());
        } finally {
            if (copy != null) {
                try {
                    Files.deleteIfExists(copy);
                } catch (IOException e) {
                    // a temporary file left behind; nothing depends on it
                }
            }
        }
    }
}
