package nl.regie.mqtt.access;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes a file whole: its new text goes to a temporary file beside it, which is flushed to the disk and renamed over
 * it, so that a reader (a broker reloading its password file) sees the old text or the new one, never a part, and a
 * crash leaves one of the two. A new file may be read and written by its owner only; a file that exists keeps its
 * permissions and, where the writer may set it, its group, so that an operator who let a broker's group read the
 * file keeps it that way.
 */
public final class AtomicFile {

    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private AtomicFile() {
    }

    /** Replaces {@code file} with {@code text} (UTF-8), creating its folder if needed. */
    public static void write(Path file, String text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temporary = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
        try {
            keepAttributes(file, temporary);
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
        try (FileChannel folder = FileChannel.open(dir, StandardOpenOption.READ)) {
            folder.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not every file system lets a folder be opened and synced; the rename is done either way.
        }
    }

    private static void keepAttributes(Path file, Path temporary) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(temporary, PosixFileAttributeView.class);
        if (view == null) {
            return;
        }
        if (!Files.exists(file)) {
            view.setPermissions(OWNER_ONLY);
            return;
        }
        PosixFileAttributes old = Files.readAttributes(file, PosixFileAttributes.class);
        view.setPermissions(old.permissions());
        GroupPrincipal group = old.group();
        if (!group.equals(view.readAttributes().group())) {
            try {
                view.setGroup(group);
            } catch (IOException e) {
                // Not a group this process belongs to: the file keeps the process's group.
            }
        }
    }
}
