package nl.regie.runtime.web.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The configured tokens, parsed and checked as a whole: a bad element, a name given twice or a digest given twice
 * refuses the whole list. {@link #find} hashes the presented secret and compares it with every digest in constant
 * time, so how long it takes says nothing about which token, or how much of one, matched.
 */
public final class TokenList {

    /** No tokens. */
    public static final TokenList EMPTY = new TokenList(List.of());

    private final List<Token> tokens;
    private final Map<String, String> grants = new HashMap<>();

    private TokenList(List<Token> tokens) {
        this.tokens = List.copyOf(tokens);
        tokens.forEach(token -> grants.put(token.name(), token.grant()));
    }

    /**
     * Parses the elements of {@code tokens}; blank elements are ignored.
     *
     * @throws IllegalArgumentException naming the bad element and what is wrong with it
     */
    public static TokenList parse(String[] elements) {
        List<Token> tokens = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> digests = new HashSet<>();
        for (String element : elements == null ? new String[0] : elements) {
            if (element == null || element.isBlank()) {
                continue;
            }
            Token token = Token.parse(element);
            if (!names.add(token.name())) {
                throw new IllegalArgumentException("token '" + token.name() + "' is configured twice");
            }
            if (!digests.add(java.util.HexFormat.of().formatHex(token.digest()))) {
                throw new IllegalArgumentException("token '" + token.name() + "' has the same secret as another token");
            }
            tokens.add(token);
        }
        return new TokenList(tokens);
    }

    /** How many tokens there are. */
    public int size() {
        return tokens.size();
    }

    /** The tokens, in configured order. */
    public List<Token> tokens() {
        return tokens;
    }

    /** The token whose secret this is, or empty. Takes the same time whichever token, if any, matches. */
    public Optional<Token> find(String secret) {
        byte[] presented = sha256(secret);
        Token found = null;
        for (Token token : tokens) {
            if (MessageDigest.isEqual(presented, token.digest()) && found == null) {
                found = token;
            }
        }
        return Optional.ofNullable(found);
    }

    /** The caller of one of these tokens, with its grant (computed once, when the list was read). */
    public Caller caller(Token token) {
        return new Caller(token.name(), token.party(), token.scopes(), grants.get(token.name()));
    }

    /** Whether a token of this name is in the list with this {@linkplain Token#grant() grant}. */
    public boolean stands(String name, String grant) {
        return !grant.isEmpty() && grant.equals(grants.get(name));
    }

    /** The SHA-256 of the text's UTF-8 bytes. */
    public static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
