package nl.regie.launcher;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One runtime per state folder: an exclusive lock on {@code <state>/regie.lock}, held from before the framework starts
 * until the process ends or {@link #close} (the operating system lets go of it when the process dies, a {@code kill -9}
 * included). The file holds the owner's process id, for the message a second runtime gets. Two runtimes on one state
 * folder would write the same journals and clear each other's framework cache; the second is refused instead.
 */
final class StateFolderLock implements AutoCloseable {

    static final String FILE = "regie.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private StateFolderLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of {@code stateDir}, creating the folder if need be.
     *
     * @throws StartupException when another runtime holds it, or the folder cannot be written
     */
    static StateFolderLock acquire(Path stateDir) throws StartupException {
        Path file = stateDir.resolve(FILE);
        FileChannel channel = null;
        try {
            Files.createDirectories(stateDir);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                String owner = Files.readString(file, StandardCharsets.US_ASCII).strip();
                throw new StartupException("the state folder " + stateDir + " is in use by another Regie"
                        + (owner.matches("\\d+") ? " (process " + owner + ")" : "")
                        + ": one state folder serves one runtime (stop that one, or choose another folder with --state-dir)");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            return new StateFolderLock(channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StartupException("cannot lock the state folder " + stateDir + ": " + ConsoleLog.reason(e), e);
        } catch (StartupException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /** Lets go of the lock (the file stays: deleting it could let a third runtime lock a new file beside a second). */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // The channel's close below releases it too.
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // Nothing is left to do with it.
            }
        }
    }
}
