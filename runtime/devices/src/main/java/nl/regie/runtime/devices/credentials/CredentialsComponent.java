package nl.regie.runtime.devices.credentials;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Set;

import nl.regie.mqtt.access.AccessRules;
import nl.regie.mqtt.access.CredentialFiles;
import nl.regie.runtime.devices.mqtt.MqttBridgeComponent;
import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.audit.AuditLog;
import nl.regie.runtime.spi.devices.DeviceCredentials;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * The runtime's {@link DeviceCredentials}: a {@link CredentialStore} in {@code <regie.state.dir>/broker/}, for the
 * site of {@code regie.site}, with the bridge's user name from {@code regie.mqtt.username} ({@value
 * AccessRules#BRIDGE_USER} when unset) and the simulator's {@value AccessRules#SIMULATOR_USER}. At start it writes the
 * site's ACL file and an empty password file if there is none. Every change, and every refused request, is written to
 * the audit log (kind {@value AuditEvent#DEVICE}), without the password.
 *
 * <p>It reads the bridge's configuration ({@value MqttBridgeComponent#PID}) for one value: a fixed bridge client id,
 * which no device may take as its id.
 */
@Component(service = DeviceCredentials.class, configurationPid = MqttBridgeComponent.PID)
public final class CredentialsComponent implements DeviceCredentials {

    /** The one value of the bridge's configuration this component reads. */
    public @interface Config {
        String clientId() default "";
    }

    private final CredentialStore store;
    private final Logger log;
    private final Clock clock = Clock.systemUTC();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile AuditLog audit;

    /** Opens the store and writes the ACL file. */
    @Activate
    public CredentialsComponent(BundleContext context, Config config,
            @Reference(name = "logger", service = LoggerFactory.class) Logger log) {
        this.log = log;
        String state = property(context, "regie.state.dir", "state");
        String site = property(context, MqttBridgeComponent.SITE, "demo");
        String bridgeUser = property(context, MqttBridgeComponent.USERNAME, AccessRules.BRIDGE_USER);
        AccessRules rules = new AccessRules(site, bridgeUser, AccessRules.SIMULATOR_USER);
        String clientId = config.clientId() == null ? "" : config.clientId().trim();
        this.store = new CredentialStore(CredentialFiles.folder(Path.of(state)), rules,
                clientId.isEmpty() ? Set.of() : Set.of(clientId), new SecureRandom());
        try {
            store.prepare();
            log.info("Device credentials for site {}: password file {}, ACL {}", site,
                    store.passwordFile().toAbsolutePath(), store.aclFile().toAbsolutePath());
        } catch (IOException e) {
            log.error("Cannot write the device credential files in {}: {}", store.passwordFile().getParent(), e.toString());
        }
        for (String problem : store.store().problems()) {
            log.warn("Device password file {}: {}", store.passwordFile(), problem);
        }
    }

    private static String property(BundleContext context, String key, String fallback) {
        String value = context.getProperty(key);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    @Override
    public List<Issued> provision(List<String> deviceIds, String actor, String party) throws CredentialsException {
        try {
            List<Issued> issued = store.provision(deviceIds);
            for (Issued device : issued) {
                record(actor, party, "provision", device.deviceId(), "issued", "");
            }
            log.info("Device credentials issued to {} ({} device(s), by {})", summary(deviceIds), deviceIds.size(), actor);
            return issued;
        } catch (CredentialsException e) {
            record(actor, party, "provision", summary(deviceIds), "refused", e.getMessage());
            throw e;
        }
    }

    @Override
    public Issued renew(String deviceId, String actor, String party) throws CredentialsException {
        try {
            Issued issued = store.renew(deviceId);
            record(actor, party, "renew", deviceId, "issued", "the previous password no longer works");
            log.info("Device credentials of {} renewed by {}", deviceId, actor);
            return issued;
        } catch (CredentialsException e) {
            record(actor, party, "renew", deviceId, "refused", e.getMessage());
            throw e;
        }
    }

    @Override
    public void revoke(String deviceId, String actor, String party) throws CredentialsException {
        try {
            store.revoke(deviceId);
            record(actor, party, "revoke", deviceId, "revoked", "");
            log.info("Device credentials of {} revoked by {}", deviceId, actor);
        } catch (CredentialsException e) {
            record(actor, party, "revoke", deviceId, "refused", e.getMessage());
            throw e;
        }
    }

    @Override
    public boolean has(String deviceId) {
        return store.has(deviceId);
    }

    @Override
    public Store store() {
        return store.store();
    }

    private void record(String actor, String party, String action, String target, String outcome, String detail) {
        AuditLog log = audit;
        if (log != null) {
            log.record(new AuditEvent(clock.instant(), AuditEvent.DEVICE, actor, party, action, target, outcome, detail));
        }
    }

    /** The ids asked for, for a log line or an audit target: all of a few, the first ones and a count of many. */
    private static String summary(List<String> ids) {
        if (ids.size() <= 5) {
            return String.join(",", ids);
        }
        return String.join(",", ids.subList(0, 5)) + ",... (" + ids.size() + ")";
    }
}
