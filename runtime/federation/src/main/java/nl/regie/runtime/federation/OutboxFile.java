package nl.regie.runtime.federation;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The messages a clean stop could not send, kept in one file until the next start sends them: {@code <state
 * dir>/federation/outbox}. Written whole to a temporary file, forced and renamed into place; read back whole or not at
 * all (a file that does not read back, by its magic, version, lengths or CRC32C, is refused with the reason, and the
 * caller keeps it aside).
 *
 * <p>Format: the magic {@code RGOB}, format version 1, the number of messages, each message (topic, payload, user
 * properties, rule), then the CRC32C of everything before it.
 */
final class OutboxFile {

    private static final int MAGIC = 0x52474F42; // "RGOB"
    private static final int VERSION = 1;
    /** More than any outbox holds: a larger count is a damaged file. */
    private static final int MAX_MESSAGES = 10_000_000;

    private OutboxFile() {
    }

    /** Writes the messages to {@code file} (replacing it), or deletes it when there are none. */
    static void write(Path file, List<Outgoing> messages) throws IOException {
        if (messages.isEmpty()) {
            Files.deleteIfExists(file);
            return;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(messages.size());
            for (Outgoing message : messages) {
                out.writeUTF(message.topic());
                out.writeInt(message.payload().length);
                out.write(message.payload());
                out.writeInt(message.properties().size());
                for (Map.Entry<String, String> property : message.properties().entrySet()) {
                    out.writeUTF(property.getKey());
                    out.writeUTF(property.getValue());
                }
                out.writeUTF(message.rule());
            }
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes.toByteArray());
        ByteBuffer content = ByteBuffer.allocate(bytes.size() + 4);
        content.put(bytes.toByteArray()).putInt((int) crc.getValue()).flip();
        Files.createDirectories(file.getParent());
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (content.hasRemaining()) {
                channel.write(content);
            }
            channel.force(true);
        }
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Reads the messages back; an empty list when there is no file.
     *
     * @throws IOException naming what is wrong with the file
     */
    static List<Outgoing> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        byte[] all = Files.readAllBytes(file);
        if (all.length < 16) {
            throw new IOException(file + " is too short to be an outbox (" + all.length + " bytes)");
        }
        CRC32C crc = new CRC32C();
        crc.update(all, 0, all.length - 4);
        int stored = ByteBuffer.wrap(all, all.length - 4, 4).getInt();
        if (stored != (int) crc.getValue()) {
            throw new IOException(file + " is damaged: its CRC32C does not match its content");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(all, 0, all.length - 4))) {
            if (in.readInt() != MAGIC) {
                throw new IOException(file + " is not an outbox file (wrong magic)");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new IOException(file + " has format version " + version + "; this runtime reads " + VERSION);
            }
            int count = in.readInt();
            if (count < 1 || count > MAX_MESSAGES) {
                throw new IOException(file + " claims " + count + " messages");
            }
            List<Outgoing> messages = new ArrayList<>(Math.min(count, 100_000));
            for (int i = 0; i < count; i++) {
                String topic = in.readUTF();
                int length = in.readInt();
                if (length < 0 || length > in.available()) {
                    throw new IOException(file + ": message " + i + " claims a payload of " + length + " bytes");
                }
                byte[] payload = in.readNBytes(length);
                int properties = in.readInt();
                if (properties < 0 || properties > 64) {
                    throw new IOException(file + ": message " + i + " claims " + properties + " user properties");
                }
                Map<String, String> map = new LinkedHashMap<>();
                for (int p = 0; p < properties; p++) {
                    map.put(in.readUTF(), in.readUTF());
                }
                messages.add(new Outgoing(topic, payload, Map.copyOf(map), in.readUTF()));
            }
            if (in.available() != 0) {
                throw new IOException(file + " has " + in.available() + " bytes after its last message");
            }
            return messages;
        } catch (EOFException e) {
            throw new IOException(file + " ends inside a message", e);
        }
    }
}
