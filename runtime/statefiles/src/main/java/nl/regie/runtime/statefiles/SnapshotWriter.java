package nl.regie.runtime.statefiles;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Where a {@link StateFiles.Snapshot} writes its records, one {@link Encoder} each; counted for the end marker. */
public final class SnapshotWriter {

    private final FileChannel channel;
    private final OutputStream out;
    private long records;
    private long bytes;

    SnapshotWriter(Path tmp, int schema, long generation) throws IOException {
        channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
        out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
        put(RecordFile.header(RecordFile.SNAPSHOT, schema, generation));
    }

    /** Writes one record. */
    public void write(Encoder record) throws IOException {
        put(RecordFile.frame(record));
        records++;
    }

    /** Writes the end marker and forces everything to the disk. */
    long finish() throws IOException {
        put(RecordFile.end(records));
        out.flush();
        channel.force(true);
        return bytes;
    }

    long records() {
        return records;
    }

    void closeQuietly() {
        try {
            channel.close();
        } catch (IOException e) {
            // Already failing; the caller reports the first problem.
        }
    }

    private void put(ByteBuffer buffer) throws IOException {
        out.write(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
        bytes += buffer.remaining();
    }
}
