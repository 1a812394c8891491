package nl.regie.runtime.ngsild.query;

import java.util.regex.Pattern;

import nl.regie.runtime.ngsild.problem.NgsiLdException;
import nl.regie.runtime.ngsild.problem.ProblemType;

/**
 * A caller's regular expression ({@code idPattern}, {@code ~=} in {@code q}) matched with bounded work: Java's regex
 * engine backtracks, so a hostile pattern such as {@code (a+)+b} could take exponential time on one entity's text.
 * The text is read through a sequence that counts every character the engine looks at and gives up past
 * {@value #MAX_STEPS} for one match, refusing the query as TooComplexQuery.
 */
public final class BoundedMatch {

    /** The characters the engine may look at to match one text. */
    public static final int MAX_STEPS = 200_000;

    private BoundedMatch() {
    }

    /** Whether the pattern is found in the text. */
    public static boolean find(Pattern pattern, String text) {
        return pattern.matcher(new Counted(text)).find();
    }

    private static final class Counted implements CharSequence {
        private final String text;
        private int steps;

        Counted(String text) {
            this.text = text;
        }

        @Override
        public char charAt(int index) {
            if (++steps > MAX_STEPS) {
                throw new NgsiLdException(ProblemType.TOO_COMPLEX_QUERY, "a regular expression took more than "
                        + MAX_STEPS + " steps to match one text of " + text.length() + " characters; simplify it");
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return text.substring(start, end);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
