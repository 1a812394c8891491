package nl.regie.mqtt.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A site's edges, core and devices at the broker: the ACL lines, the files, one ACL shared with the federation. */
class EdgeAccessTest {

    @TempDir
    Path dir;

    @Test
    void edgesWriteOnlyTheEdgeWireTheCoreReadsItDevicesOnlyTheirOwnTopics() {
        String acl = EdgeAccess.of("demo", 2).mosquittoAcl();
        assertTrue(acl.contains("user regie-core-demo\ntopic read regie/v1/demo/edge/+\n"
                + "topic read regie/v1/demo/dev/+/state\ntopic read regie/v1/demo/dev/+/ack/+\n"
                + "topic write regie/v1/demo/dev/+/cmd/+\n"), acl);
        for (int n = 1; n <= 2; n++) {
            assertTrue(acl.contains("user regie-edge-demo-" + n + "\n"
                    + "topic read $share/regie-edges/regie/v1/demo/dev/+/tele\ntopic read regie/v1/demo/dev/+/tele\n"
                    + "topic write regie/v1/demo/edge/+\n"), acl);
        }
        assertTrue(acl.contains("pattern write regie/v1/demo/dev/%u/tele\n"), acl);
        assertFalse(acl.lines().anyMatch(l -> l.startsWith("pattern") && l.contains("/edge/")),
                "no line lets a device near the edge wire: " + acl);
        assertFalse(acl.contains("user regie-edge-demo-3"), acl);
        assertEquals(List.of("regie-core-demo", "regie-edge-demo-1", "regie-edge-demo-2"),
                EdgeAccess.of("demo", 2).users());
    }

    @Test
    void theGroupIsTheOneTheEdgesAreConfiguredWith() {
        assertTrue(EdgeAccess.of("demo", 1, "north").mosquittoAcl()
                .contains("topic read $share/north/regie/v1/demo/dev/+/tele\n"));
    }

    @Test
    void theFilesHoldHashesOwnerOnlyOptionsFilesAndOneAclSharedWithTheFederation() throws Exception {
        Map<String, String> sites = FederationAccess.of(Map.of("gent", Set.of("demo"), "demo", Set.of("gent")))
                .write(dir, new SecureRandom());
        Map<String, String> edges = EdgeAccess.of("demo", 2).write(dir, new SecureRandom());
        // Written again (new passwords): the sections are replaced, not repeated, and the other users stay.
        edges = EdgeAccess.of("demo", 2).write(dir, new SecureRandom());
        PasswordFile passwd = PasswordFile.read(dir.resolve("passwd"));
        assertEquals(Set.of("regie-site-gent", "regie-site-demo", "regie-core-demo", "regie-edge-demo-1",
                "regie-edge-demo-2"), passwd.users());
        assertTrue(passwd.hash("regie-site-gent").orElseThrow().matches(sites.get("gent")));
        assertTrue(passwd.hash("regie-edge-demo-2").orElseThrow().matches(edges.get("regie-edge-demo-2")));
        String text = Files.readString(dir.resolve("passwd"), StandardCharsets.UTF_8);
        assertFalse(text.contains(edges.get("regie-core-demo")), "only hashes");

        String acl = Files.readString(dir.resolve("acl"), StandardCharsets.UTF_8);
        assertEquals(1, count(acl, "user regie-edge-demo-1\n"), acl);
        assertEquals(1, count(acl, "user regie-site-demo\n"), acl);
        assertEquals(1, count(acl, "# >>> regie edges demo\n"), acl);
        assertEquals(1, count(acl, "# >>> regie federation\n"), acl);

        Path options = dir.resolve("regie-edge-demo-1.properties");
        assertTrue(Files.readString(options).contains("mqtt-username = regie-edge-demo-1\nmqtt-password = "
                + edges.get("regie-edge-demo-1") + "\n"));
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(options));
    }

    @Test
    void anOperatorsOwnLinesOutsideTheSectionsStay() throws Exception {
        Files.writeString(dir.resolve("acl"), "# mine\nuser ops\ntopic read #\n", StandardCharsets.UTF_8);
        EdgeAccess.of("demo", 1).write(dir, new SecureRandom());
        EdgeAccess.of("demo", 1).write(dir, new SecureRandom());
        String acl = Files.readString(dir.resolve("acl"), StandardCharsets.UTF_8);
        assertTrue(acl.startsWith("# mine\nuser ops\ntopic read #\n\n# >>> regie edges demo\n"), acl);
        assertTrue(acl.endsWith("# <<< regie edges demo\n"), acl);
    }

    @Test
    void aSectionWithoutItsEndIsRefusedAndTheFileKept() throws Exception {
        String broken = "# >>> regie edges demo\nuser regie-core-demo\n";
        Files.writeString(dir.resolve("acl"), broken, StandardCharsets.UTF_8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EdgeAccess.of("demo", 1).write(dir, new SecureRandom()));
        assertTrue(e.getMessage().contains("section 'edges demo' has no end line"), e.getMessage());
        assertEquals(broken, Files.readString(dir.resolve("acl"), StandardCharsets.UTF_8));
    }

    @Test
    void badInputIsRefusedNamingIt() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EdgeAccess.of("demo", 0)).getMessage()
                .contains("1 to 1000 edges, not 0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EdgeAccess.of("de/mo", 1)).getMessage()
                .contains("site 'de/mo'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EdgeAccess.of("demo", 1, "a/b")).getMessage()
                .contains("group 'a/b'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EdgeAccess.of("demo", 1, "#")).getMessage()
                .contains("group '#'"));
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            n++;
        }
        return n;
    }
}
