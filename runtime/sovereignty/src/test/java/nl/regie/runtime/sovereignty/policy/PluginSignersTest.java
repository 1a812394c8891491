package nl.regie.runtime.sovereignty.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The digest a plugin's verified signature is recorded by: it must change with anything the verification reads. */
class PluginSignersTest {

    private static String digest(Map<String, String> content) throws IOException {
        return PluginSigners.contentDigest(List.copyOf(content.keySet()), path -> content.get(path) == null ? null
                : new ByteArrayInputStream(content.get(path).getBytes(StandardCharsets.UTF_8)));
    }

    private static Map<String, String> content(String... pathsAndBytes) {
        Map<String, String> content = new LinkedHashMap<>();
        for (int i = 0; i < pathsAndBytes.length; i += 2) {
            content.put(pathsAndBytes[i], pathsAndBytes[i + 1]);
        }
        return content;
    }

    @Test
    void theSameContentGivesTheSameDigest() throws IOException {
        assertEquals(digest(content("META-INF/MANIFEST.MF", "m", "a/B.class", "b")),
                digest(content("META-INF/MANIFEST.MF", "m", "a/B.class", "b")));
    }

    @Test
    void anyChangeToAPathOrItsBytesChangesTheDigest() throws IOException {
        String base = digest(content("META-INF/MANIFEST.MF", "m", "a/B.class", "bc"));
        assertNotEquals(base, digest(content("META-INF/MANIFEST.MF", "m", "a/B.class", "bd")), "bytes");
        assertNotEquals(base, digest(content("META-INF/MANIFEST.MF", "m", "a/C.class", "bc")), "path");
        assertNotEquals(base, digest(content("META-INF/MANIFEST.MF", "m", "a/B.clas", "sbc")), "where a path ends");
        assertNotEquals(base, digest(content("META-INF/MANIFEST.MF", "mb", "a/B.class", "c")), "where bytes end");
        assertNotEquals(base, digest(content("a/B.class", "bc", "META-INF/MANIFEST.MF", "m")), "order");
        assertNotEquals(base, digest(content("META-INF/MANIFEST.MF", "m", "a/B.class", "bc", "x", "")), "an entry more");
    }

    @Test
    void anEntryThatIsNotThereIsLeftOut() throws IOException {
        Map<String, String> withGap = content("META-INF/MANIFEST.MF", "m", "gone", null, "a/B.class", "b");
        assertEquals(digest(content("META-INF/MANIFEST.MF", "m", "a/B.class", "b")), digest(withGap));
    }
}
