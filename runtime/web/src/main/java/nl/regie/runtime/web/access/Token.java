package nl.regie.runtime.web.access;

import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One configured HTTP token: its name, the party it acts for, its scopes and the SHA-256 of its secret (never the
 * secret itself). Written in the configuration as one element of {@code tokens}:
 * {@code <name> <party> <scope>;<scope>... sha256:<64 hex digits>}, for example
 * {@code police-app police read:CrowdFlowObserved;read:TrafficFlowObserved sha256:9f86d0...}.
 *
 * @param name   who the token is, for the audit log
 * @param party  the party it reads and acts for
 * @param scopes what it may do; see {@link Caller}
 * @param sha256 the SHA-256 digest of the secret, 32 bytes
 */
public record Token(String name, String party, Set<String> scopes, byte[] sha256) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern PARTY = Pattern.compile("[a-z][a-z0-9_-]{0,63}");
    private static final Pattern TYPE = Pattern.compile("[A-Z][A-Za-z0-9]{0,63}");
    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]{64}");
    /** The scopes that take no entity type. */
    static final Set<String> PLAIN_SCOPES = Set.of(Caller.PLUGINS, Caller.AUDIT, Caller.OPERATOR, Caller.METRICS);

    /** Copies the scopes and the digest. */
    public Token {
        scopes = Collections.unmodifiableSet(new LinkedHashSet<>(scopes));
        sha256 = sha256.clone();
    }

    @Override
    public byte[] sha256() {
        return sha256.clone();
    }

    /**
     * A fingerprint of all this token is (name, party, scopes in order of name, digest): equal for the same
     * configuration, different when any part changes. What {@link nl.regie.runtime.spi.access.HttpCallers} compares;
     * a SHA-256 over the digest, so it says nothing of the secret.
     */
    public String grant() {
        StringBuilder text = new StringBuilder(name).append('\n').append(party).append('\n');
        new java.util.TreeSet<>(scopes).forEach(scope -> text.append(scope).append(';'));
        text.append('\n').append(HexFormat.of().formatHex(sha256));
        return HexFormat.of().formatHex(TokenList.sha256(text.toString()), 0, 16);
    }

    /** The digest, compared in constant time by {@link TokenList}. */
    byte[] digest() {
        return sha256;
    }

    /**
     * Parses one element of {@code tokens}.
     *
     * @throws IllegalArgumentException saying what is wrong with it, quoting it without its digest
     */
    static Token parse(String element) {
        String[] fields = element.strip().split("\\s+");
        String shown = fields.length > 0 ? "'" + fields[0] + "'" : "''";
        if (fields.length != 4) {
            throw new IllegalArgumentException("token " + shown + " must be '<name> <party> <scope>;<scope>..."
                    + " sha256:<64 hex digits>' (4 fields separated by spaces), has " + fields.length + " field(s)");
        }
        String name = fields[0];
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("token name '" + name + "' must be 1 to 64 letters, digits, '.', '_'"
                    + " or '-', starting with a letter or digit");
        }
        String party = fields[1];
        if (!PARTY.matcher(party).matches()) {
            throw new IllegalArgumentException("token '" + name + "': party '" + party + "' must be a lower-case"
                    + " letter, then lower-case letters, digits, '_' or '-' (at most 64), as in the policy");
        }
        Set<String> scopes = new LinkedHashSet<>();
        for (String scope : fields[2].split(";", -1)) {
            scopes.add(scope(name, scope));
        }
        String digest = fields[3];
        if (!digest.startsWith("sha256:") || !HEX.matcher(digest.substring("sha256:".length())).matches()) {
            throw new IllegalArgumentException("token '" + name + "': the secret must be given as sha256:<64 hex"
                    + " digits> (the SHA-256 of the token, never the token itself)");
        }
        return new Token(name, party, scopes,
                HexFormat.of().parseHex(digest.substring("sha256:".length()).toLowerCase(Locale.ROOT)));
    }

    private static String scope(String name, String scope) {
        if (PLAIN_SCOPES.contains(scope)) {
            return scope;
        }
        int colon = scope.indexOf(':');
        String kind = colon < 0 ? scope : scope.substring(0, colon);
        if (colon > 0 && (kind.equals(Caller.READ) || kind.equals(Caller.COMMAND) || kind.equals(Caller.PUBLISH))) {
            String type = scope.substring(colon + 1);
            if (type.equals("*") || TYPE.matcher(type).matches()) {
                return scope;
            }
            throw new IllegalArgumentException("token '" + name + "': scope '" + scope + "' must name an entity type"
                    + " (a capital letter, then letters and digits) or '*'");
        }
        throw new IllegalArgumentException("token '" + name + "': unknown scope '" + scope + "'; known are"
                + " read:<EntityType|*>, command:<EntityType|*>, publish:<EntityType|*>, plugins, audit, metrics and operator");
    }
}
