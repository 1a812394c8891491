package nl.regie.simulator;

/** How the simulator explains a failure in one line. */
final class Failures {

    private Failures() {
    }

    /** The most specific explanation of a failure: the innermost cause's message, after the outer one's. */
    static String reason(Throwable problem) {
        Throwable root = problem;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        if (root != problem && problem.getMessage() != null && !problem.getMessage().equals(message)) {
            return problem.getMessage() + ": " + (message != null ? message : root.getClass().getSimpleName());
        }
        return message != null ? message : root.getClass().getSimpleName();
    }
}
