package nl.regie.runtime.devices.credentials;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import nl.regie.mqtt.access.AccessRules;
import nl.regie.mqtt.access.PasswordFile;
import nl.regie.mqtt.access.PasswordHash;
import nl.regie.runtime.spi.devices.DeviceCredentials.CredentialsException;
import nl.regie.runtime.spi.devices.DeviceCredentials.CredentialsException.Reason;
import nl.regie.runtime.spi.devices.DeviceCredentials.Issued;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialStoreTest {

    @TempDir
    Path tmp;

    private CredentialStore store(Set<String> reserved) {
        return new CredentialStore(tmp.resolve("broker"), AccessRules.forSite("demo"), reserved, new SecureRandom());
    }

    private PasswordFile file() throws Exception {
        return PasswordFile.read(tmp.resolve("broker").resolve("passwd"));
    }

    @Test
    void preparingWritesTheSitesAclAndAnEmptyPasswordFileOwnerOnly() throws Exception {
        CredentialStore store = store(Set.of());
        store.prepare();
        assertEquals(AccessRules.forSite("demo").mosquittoAcl(), Files.readString(store.aclFile()));
        assertEquals("", Files.readString(store.passwordFile()));
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(store.passwordFile()));
        assertEquals(0, store.store().devices());
    }

    @Test
    void aProvisionedDeviceGetsAPasswordOnceAndOnlyItsHashIsKept() throws Exception {
        CredentialStore store = store(Set.of());
        List<Issued> issued = store.provision(List.of("bin-900"));
        Issued bin = issued.get(0);
        assertEquals(new Issued("bin-900", "bin-900", bin.password(), "bin-900", "regie/v1/demo/dev/bin-900/"), bin);
        assertTrue(bin.password().matches("[A-Za-z0-9_-]{43}"), bin.password());
        assertFalse(bin.toString().contains(bin.password()));
        String text = Files.readString(store.passwordFile(), StandardCharsets.UTF_8);
        assertFalse(text.contains(bin.password()), "the file holds no password");
        assertTrue(text.matches("bin-900:\\$7\\$101\\$\\S+\\n"), text);
        assertTrue(file().hash("bin-900").orElseThrow().matches(bin.password()));
        assertTrue(store.has("bin-900"));
        assertFalse(store.has("bin-901"));
        assertEquals(1, store.store().devices());
    }

    @Test
    void manyDevicesAtOnceAllOrNone() throws Exception {
        CredentialStore store = store(Set.of());
        store.provision(List.of("bin-1"));
        List<String> many = new ArrayList<>();
        for (int i = 100; i < 600; i++) {
            many.add("lamp-" + i);
        }
        assertEquals(500, store.provision(many).size());
        assertEquals(501, store.store().devices());

        String before = Files.readString(store.passwordFile());
        CredentialsException duplicate = assertThrows(CredentialsException.class,
                () -> store.provision(List.of("gauge-1", "bin-1", "gauge-2")));
        assertEquals(Reason.DUPLICATE, duplicate.reason());
        assertEquals("device 'bin-1' has credentials already; renew them for a new password, or revoke them first",
                duplicate.getMessage());
        CredentialsException twice = assertThrows(CredentialsException.class,
                () -> store.provision(List.of("gauge-1", "gauge-1")));
        assertEquals(Reason.INVALID, twice.reason());
        assertEquals("device id 'gauge-1' is asked for twice", twice.getMessage());
        CredentialsException malformed = assertThrows(CredentialsException.class,
                () -> store.provision(List.of("gauge-1", "gauge/2")));
        assertEquals(Reason.INVALID, malformed.reason());
        assertTrue(malformed.getMessage().contains("'gauge/2' must be 1 to 128 letters"), malformed.getMessage());
        assertEquals(Reason.INVALID, assertThrows(CredentialsException.class, () -> store.provision(List.of())).reason());
        assertEquals(before, Files.readString(store.passwordFile()), "a refused request changes nothing");
        assertFalse(store.has("gauge-1"));
    }

    @Test
    void regiesOwnNamesAreNoDeviceIds() {
        CredentialStore store = store(Set.of("city-bridge"));
        for (String id : List.of("regie-bridge", "regie-simulator", "regie-demo", "sim-demo-link-01", "city-bridge",
                "a:b")) {
            CredentialsException e = assertThrows(CredentialsException.class, () -> store.provision(List.of(id)), id);
            assertEquals(Reason.INVALID, e.reason(), id);
        }
        assertEquals("device id 'city-bridge' is the MQTT user name or client id of one of Regie's own clients (the"
                + " bridge, the simulator)", assertThrows(CredentialsException.class,
                        () -> store.provision(List.of("city-bridge"))).getMessage());
    }

    @Test
    void renewingReplacesThePasswordAndRevokingRemovesTheLine() throws Exception {
        CredentialStore store = store(Set.of());
        Issued first = store.provision(List.of("gauge-7", "gauge-8")).get(0);
        Issued second = store.renew("gauge-7");
        assertFalse(first.password().equals(second.password()));
        assertFalse(file().hash("gauge-7").orElseThrow().matches(first.password()), "the old password no longer works");
        assertTrue(file().hash("gauge-7").orElseThrow().matches(second.password()));

        store.revoke("gauge-7");
        assertEquals(Set.of("gauge-8"), file().users());
        assertFalse(store.has("gauge-7"));
        assertEquals(Reason.UNKNOWN, assertThrows(CredentialsException.class, () -> store.revoke("gauge-7")).reason());
        assertEquals(Reason.UNKNOWN, assertThrows(CredentialsException.class, () -> store.renew("gauge-7")).reason());
        assertEquals("device 'gauge-7' has no credentials",
                assertThrows(CredentialsException.class, () -> store.renew("gauge-7")).getMessage());
    }

    /** An operator's own lines (the bridge's, a bad one) stay as they were; a bad line is reported, not fatal. */
    @Test
    void otherLinesOfTheFileStayAndABadOneIsReported() throws Exception {
        Path passwd = tmp.resolve("broker").resolve("passwd");
        Files.createDirectories(passwd.getParent());
        String bridge = "regie-bridge:" + PasswordHash.of("bridge-secret", new SecureRandom()).text();
        Files.writeString(passwd, bridge + "\nbroken-line\n");
        CredentialStore store = store(Set.of());
        assertEquals(List.of("line 2 has no ':' between a user name and a password hash; it is skipped"),
                store.store().problems());
        assertEquals(0, store.store().devices(), "the bridge is no device");
        store.provision(List.of("bin-1"));
        store.revoke("bin-1");
        assertEquals(bridge + "\nbroken-line\n", Files.readString(passwd));
        assertEquals(Reason.INVALID, assertThrows(CredentialsException.class, () -> store.revoke("regie-bridge")).reason(),
                "the bridge's line is not a device's to revoke");
    }

    /** A password file that cannot be read (here: a folder where the file should be) refuses every change, saying why. */
    @Test
    void aPasswordFileThatCannotBeReadChangesNothingAndSaysWhy() throws Exception {
        CredentialStore store = store(Set.of());
        Files.createDirectories(store.passwordFile());
        CredentialsException e = assertThrows(CredentialsException.class, () -> store.provision(List.of("bin-2")));
        assertEquals(Reason.FAILED, e.reason());
        assertTrue(e.getMessage().startsWith("cannot read the password file " + store.passwordFile()), e.getMessage());
        assertTrue(Files.isDirectory(store.passwordFile()));
        try (var files = Files.list(store.passwordFile().getParent())) {
            assertEquals(List.of(store.passwordFile()), files.toList(), "nothing was written beside it");
        }
        assertFalse(store.has("bin-2"));
        assertTrue(store.store().problems().get(0).startsWith("cannot read " + store.passwordFile()),
                store.store().problems().toString());
    }

    /** The devices a file holds are seen without a restart, whoever wrote them (mosquitto_passwd, say). */
    @Test
    void hasFollowsTheFileAsItChanges() throws Exception {
        CredentialStore store = store(Set.of());
        store.prepare();
        assertFalse(store.has("bin-5"));
        PasswordFile.read(store.passwordFile()).with("bin-5", PasswordHash.of("x", new SecureRandom()))
                .write(store.passwordFile());
        assertTrue(store.has("bin-5"));
    }
}
