package nl.regie.runtime.sovereignty.policy;

/**
 * One element of the policy's {@code keys} list: plugins signed by the key with this fingerprint act for
 * {@code party}.
 *
 * @param party       the party
 * @param fingerprint the key's fingerprint, normalised ({@code sha256:} and 64 lower-case hex digits)
 */
record KeyRule(String party, String fingerprint) {

    @Override
    public String toString() {
        return party + " " + fingerprint;
    }
}
