package nl.regie.runtime.federation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outbox a stop keeps: read back as written, or refused with the reason; never half a file. */
class OutboxFileTest {

    @TempDir
    Path dir;

    private final List<Outgoing> messages = List.of(
            new Outgoing("regie/v1/roeselare/share/gent/WaterObserved/g1/waterLevel",
                    "{\"v\":1,\"value\":2.4}".getBytes(StandardCharsets.UTF_8),
                    Map.of(WireFormat.ORIGIN_SITE, "roeselare", WireFormat.ORIGIN_PARTY, "waterboard", WireFormat.HOPS,
                            "1", WireFormat.READING_ID, "roeselare-0a1b2c-1"),
                    "waterboard>gent WaterObserved/+/waterLevel"),
            new Outgoing("regie/v1/roeselare/share/gent/Alert/ä/severity", new byte[0], Map.of(), "city>gent Alert/#"));

    @Test
    void messagesReadBackAsWrittenInOrder() throws IOException {
        Path file = dir.resolve("federation/outbox");
        OutboxFile.write(file, messages);
        List<Outgoing> read = OutboxFile.read(file);
        assertEquals(2, read.size());
        for (int i = 0; i < 2; i++) {
            assertEquals(messages.get(i).topic(), read.get(i).topic());
            assertArrayEquals(messages.get(i).payload(), read.get(i).payload());
            assertEquals(messages.get(i).properties(), read.get(i).properties());
            assertEquals(messages.get(i).rule(), read.get(i).rule());
        }
        assertFalse(Files.exists(file.resolveSibling("outbox.tmp")), "the temporary file was renamed into place");
    }

    @Test
    void nothingToKeepLeavesNoFileAndNoFileReadsAsNothing() throws IOException {
        Path file = dir.resolve("outbox");
        OutboxFile.write(file, messages);
        OutboxFile.write(file, List.of());
        assertFalse(Files.exists(file));
        assertEquals(List.of(), OutboxFile.read(file));
    }

    @Test
    void aDamagedOrForeignFileIsRefusedNamingWhy() throws IOException {
        Path file = dir.resolve("outbox");
        OutboxFile.write(file, messages);
        byte[] good = Files.readAllBytes(file);

        byte[] flipped = good.clone();
        flipped[20] ^= 0x01;
        assertRefused(file, flipped, "CRC32C does not match");
        assertRefused(file, Arrays.copyOf(good, good.length - 9), "CRC32C does not match");
        assertRefused(file, new byte[5], "too short");
        assertRefused(file, withCrc(new byte[] {'X', 'X', 'X', 'X', 0, 0, 0, 1, 0, 0, 0, 1}), "wrong magic");
        assertRefused(file, withCrc(new byte[] {'R', 'G', 'O', 'B', 0, 0, 0, 9, 0, 0, 0, 1}), "format version 9");
        assertRefused(file, withCrc(new byte[] {'R', 'G', 'O', 'B', 0, 0, 0, 1, 0x7f, 0, 0, 0}), "claims 2130706432");
        assertRefused(file, withCrc(new byte[] {'R', 'G', 'O', 'B', 0, 0, 0, 1, 0, 0, 0, 2, 0, 1, 'x'}),
                "ends inside a message");
    }

    private static void assertRefused(Path file, byte[] content, String reason) throws IOException {
        Files.write(file, content);
        IOException e = assertThrows(IOException.class, () -> OutboxFile.read(file));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    /** The content with its CRC32C appended, as the writer does: only the structure is wrong. */
    private static byte[] withCrc(byte[] content) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(content);
        byte[] all = Arrays.copyOf(content, content.length + 4);
        int value = (int) crc.getValue();
        all[content.length] = (byte) (value >>> 24);
        all[content.length + 1] = (byte) (value >>> 16);
        all[content.length + 2] = (byte) (value >>> 8);
        all[content.length + 3] = (byte) value;
        return all;
    }
}
