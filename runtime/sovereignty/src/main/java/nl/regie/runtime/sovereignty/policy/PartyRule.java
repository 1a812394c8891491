package nl.regie.runtime.sovereignty.policy;

import java.util.regex.Pattern;

/**
 * One line of the policy's {@code plugins} or {@code devices} list: the sources whose names match {@code pattern}
 * (exact, or a glob where {@code *} is any run of characters and {@code ?} one character) act for {@code party}.
 */
record PartyRule(String pattern, String party, Pattern regex) {

    /** A rule for a pattern as written. */
    static PartyRule of(String pattern, String party) {
        boolean glob = pattern.indexOf('*') >= 0 || pattern.indexOf('?') >= 0;
        return new PartyRule(pattern, party, glob ? Pattern.compile(globRegex(pattern)) : null);
    }

    /** Whether a name matches. */
    boolean matches(String name) {
        return regex == null ? pattern.equals(name) : regex.matcher(name).matches();
    }

    private static String globRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return regex.toString();
    }

    @Override
    public String toString() {
        return pattern + "=" + party;
    }
}
