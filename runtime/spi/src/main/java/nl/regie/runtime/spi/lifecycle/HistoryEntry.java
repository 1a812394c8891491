package nl.regie.runtime.spi.lifecycle;

/**
 * One line of a plugin's history, persisted across restarts.
 *
 * @param outcome what happened
 * @param sha256  the checksum of the jar that ran after it (null after a remove)
 */
public record HistoryEntry(Outcome outcome, String sha256) {
}
