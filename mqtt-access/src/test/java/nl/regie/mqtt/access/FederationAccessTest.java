package nl.regie.mqtt.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared broker's files for federated sites, made from the sites' policies; what the generator refuses. */
class FederationAccessTest {

    @TempDir
    Path dir;

    @Test
    void eachSiteWritesItsOwnNamespaceAndReadsWhatIsAddressedToIt() {
        String acl = FederationAccess.of(Map.of("gent", Set.of("roeselare"), "roeselare", Set.of("gent")))
                .mosquittoAcl();
        assertTrue(acl.contains("user regie-site-gent\ntopic write regie/v1/gent/share/#\n"
                + "topic read regie/v1/+/share/gent/#\n"), acl);
        assertTrue(acl.contains("user regie-site-roeselare\ntopic write regie/v1/roeselare/share/#\n"
                + "topic read regie/v1/+/share/roeselare/#\n"), acl);
        assertFalse(acl.contains("pattern"), "no rule for anyone else");
    }

    @Test
    void theFilesHoldHashesAndOneOwnerOnlyCredentialsFilePerSite() throws Exception {
        Map<String, String> passwords = FederationAccess.of(Map.of("gent", Set.of(), "roeselare", Set.of("gent")))
                .write(dir, new SecureRandom());
        PasswordFile passwd = PasswordFile.read(dir.resolve("passwd"));
        assertEquals(Set.of("regie-site-gent", "regie-site-roeselare"), passwd.users());
        assertTrue(passwd.hash("regie-site-gent").orElseThrow().matches(passwords.get("gent")));
        assertFalse(Files.readString(dir.resolve("passwd")).contains(passwords.get("gent")), "only hashes");
        Path credentials = dir.resolve("gent.credentials");
        assertTrue(Files.readString(credentials).contains("username=regie-site-gent\npassword=" + passwords.get("gent")));
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(credentials));
    }

    @Test
    void aSiteWithoutAPolicyOrABadNameIsRefused() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> FederationAccess.of(Map.of("gent", Set.of("paris"))));
        assertTrue(unknown.getMessage().contains("names the site paris, which has no policy here"), unknown.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> FederationAccess.of(Map.of("Gent", Set.of())));
        assertTrue(bad.getMessage().contains("site 'Gent' must be a lower-case letter"), bad.getMessage());
        IllegalArgumentException itself = assertThrows(IllegalArgumentException.class,
                () -> FederationAccess.of(Map.of("gent", Set.of("gent"))));
        assertTrue(itself.getMessage().contains("lists itself"), itself.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FederationAccess.of(Map.of()));
    }
}
