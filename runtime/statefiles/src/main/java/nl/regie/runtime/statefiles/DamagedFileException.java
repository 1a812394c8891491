package nl.regie.runtime.statefiles;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A state file that cannot be used: its message names the file, the byte offset where the damage was found and
 * what is wrong there, for example {@code state/city/snapshot-000000000007.bin: record at offset 81920: checksum
 * mismatch (the bytes changed after they were written)}.
 */
public final class DamagedFileException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long offset;
    private final String reason;

    DamagedFileException(Path file, long offset, String reason) {
        super(file + ": " + reason);
        this.file = file;
        this.offset = offset;
        this.reason = reason;
    }

    /** The damaged file. */
    public Path file() {
        return file;
    }

    /** Where in it the damage was found, in bytes from its start. */
    public long offset() {
        return offset;
    }

    /** What is wrong, with the offset; without the file name. */
    public String reason() {
        return reason;
    }
}
