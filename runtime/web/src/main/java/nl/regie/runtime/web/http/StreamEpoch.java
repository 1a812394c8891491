package nl.regie.runtime.web.http;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;

/**
 * The first part of the live stream's event ids ({@link EventId}): a number that grows with every start of the
 * stream, so ids given after a restart never repeat ids given before it. Kept in {@code <state dir>/stream/epoch} as
 * a decimal number, raised by one at each start and written to a temporary file, forced and renamed into place, so a
 * crash leaves either the old number or the new one. Without a state folder, or when the file cannot be read or
 * written, the epoch is the wall clock in milliseconds: larger than any counted epoch, and different at each start
 * unless the clock is set back (said in the reason).
 */
final class StreamEpoch {

    /** The file under the state folder. */
    static final String FILE = "epoch";

    /**
     * @param epoch  the epoch of this start
     * @param reason null when it was counted in the state folder; else why the clock gave it
     */
    record Start(long epoch, String reason) {
    }

    private StreamEpoch() {
    }

    /** The epoch of a start of the stream that keeps its counter in {@code folder} (null: no state folder). */
    static Start next(Path folder, Clock clock) {
        if (folder == null) {
            return new Start(clock.millis(), "there is no state folder, so the epoch is the clock's milliseconds");
        }
        Path file = folder.resolve(FILE);
        try {
            long previous = 0;
            try {
                String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
                previous = Long.parseLong(text);
                if (previous < 0 || previous == Long.MAX_VALUE) {
                    throw new NumberFormatException("out of range: " + text);
                }
            } catch (NoSuchFileException e) {
                previous = 0;
            }
            long epoch = previous + 1;
            write(folder, file, epoch);
            return new Start(epoch, null);
        } catch (IOException | NumberFormatException e) {
            long epoch = clock.millis();
            try {
                write(folder, file, epoch);
            } catch (IOException again) {
                // the reason below says the counter could not be used
            }
            return new Start(epoch, "the counter " + file + " could not be used (" + e
                    + "), so the epoch is the clock's milliseconds");
        }
    }

    private static void write(Path folder, Path file, long epoch) throws IOException {
        Files.createDirectories(folder);
        Path tmp = folder.resolve(FILE + ".tmp");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            out.write(StandardCharsets.US_ASCII.encode(epoch + "\n"));
            out.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
