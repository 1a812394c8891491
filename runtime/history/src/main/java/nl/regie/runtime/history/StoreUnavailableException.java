package nl.regie.runtime.history;

import java.sql.SQLException;

/**
 * The store cannot be reached now (its server is down or refuses the login): unlike a refused write, what was to be
 * written is kept and tried again, as the store may come back ({@link HistoryWriter}).
 */
final class StoreUnavailableException extends SQLException {

    private static final long serialVersionUID = 1L;

    StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
