package nl.regie.runtime.devices.credentials;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import nl.regie.mqtt.access.AccessRules;
import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.devices.DeviceCredentials.CredentialsException;
import nl.regie.runtime.spi.devices.DeviceCredentials.Issued;
import nl.regie.runtime.testing.RecordingAuditLog;
import nl.regie.runtime.testing.RecordingLogger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;

/** The DS component, constructed by hand as SCR would, with a stand-in bundle context. */
class CredentialsComponentTest {

    @TempDir
    Path tmp;

    private final RecordingLogger log = new RecordingLogger();
    private final RecordingAuditLog audit = new RecordingAuditLog();

    private CredentialsComponent component(Map<String, String> properties, String clientId) {
        BundleContext context = (BundleContext) Proxy.newProxyInstance(BundleContext.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getProperty" -> properties.get((String) args[0]);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        CredentialsComponent.Config config = (CredentialsComponent.Config) Proxy.newProxyInstance(
                CredentialsComponent.Config.class.getClassLoader(), new Class<?>[] {CredentialsComponent.Config.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "clientId" -> clientId;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        CredentialsComponent component = new CredentialsComponent(context, config, log.logger());
        component.audit = audit;
        return component;
    }

    @Test
    void itKeepsTheFilesInTheStateFolderForTheSiteAndItsBridgeUser() throws Exception {
        Path state = tmp.resolve("state");
        component(Map.of("regie.state.dir", state.toString(), "regie.site", "north", "regie.mqtt.username", "bridge-north"),
                "");
        Path acl = state.resolve("broker").resolve("acl");
        assertEquals(new AccessRules("north", "bridge-north", AccessRules.SIMULATOR_USER).mosquittoAcl(),
                Files.readString(acl));
        assertEquals("", Files.readString(state.resolve("broker").resolve("passwd")));
        assertTrue(log.messages("info").get(0).startsWith("Device credentials for site north: password file "),
                log.entries().toString());
    }

    @Test
    void everyChangeAndEveryRefusalIsAuditedWithoutThePassword() throws Exception {
        CredentialsComponent component = component(Map.of("regie.state.dir", tmp.toString()), "city-bridge");
        Issued issued = component.provision(List.of("bin-1", "bin-2"), "ops", "city").get(0);
        component.renew("bin-1", "ops", "city");
        component.revoke("bin-2", "ops", "city");
        assertThrows(CredentialsException.class, () -> component.provision(List.of("bin-1"), "ops", "city"));
        assertThrows(CredentialsException.class, () -> component.provision(List.of("city-bridge"), "ops", "city"));
        assertThrows(CredentialsException.class, () -> component.revoke("bin-2", "installer", "contractor"));

        List<AuditEvent> events = audit.ofKind(AuditEvent.DEVICE);
        assertEquals(List.of("provision bin-1 issued", "provision bin-2 issued", "renew bin-1 issued",
                "revoke bin-2 revoked", "provision bin-1 refused", "provision city-bridge refused",
                "revoke bin-2 refused"), events.stream().map(e -> e.action() + " " + e.target() + " " + e.outcome()).toList());
        assertEquals("ops", events.get(0).actor());
        assertEquals("city", events.get(0).party());
        assertEquals("installer", events.get(6).actor());
        assertEquals("device 'bin-2' has no credentials", events.get(6).detail());
        assertTrue(events.stream().noneMatch(e -> e.toString().contains(issued.password())));
        assertTrue(component.has("bin-1"));
        assertEquals(1, component.store().devices());
    }
}
