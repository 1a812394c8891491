package nl.regie.runtime.spi.history;

/** A query would return more points than it may: the caller asks for a shorter range, a bucket, or fewer attributes. */
public class HistoryLimitException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The limit that was reached. */
    private final int limit;

    /** A query that passed {@code limit} points. */
    public HistoryLimitException(int limit) {
        super("the query would return more than " + limit + " points; ask for a shorter range, a larger bucket or"
                + " fewer attributes");
        this.limit = limit;
    }

    /** The limit that was reached. */
    public int limit() {
        return limit;
    }
}
