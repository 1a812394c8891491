package nl.regie.runtime.devices.mqtt;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import nl.regie.api.model.Value;
import nl.regie.mqtt.access.AccessRules;
import nl.regie.mqtt.access.CredentialFiles;
import nl.regie.mqtt.access.Secrets;
import nl.regie.runtime.devices.credentials.CredentialStore;
import nl.regie.runtime.spi.devices.DeviceCredentials.Issued;
import nl.regie.runtime.testing.Mosquitto;

import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Regie ships for an external Mosquitto ({@code config/mosquitto/}): the ACL for site demo is the one the runtime
 * writes, and the example {@code mosquitto.conf} runs as it is, with only its paths and ports changed: the bridge logs
 * in on the loopback listener, a device over TLS, nobody without a login.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ShippedMosquittoConfigTest {

    private static final Path SHIPPED = Path.of("../../config/mosquitto");
    private static final Path PASSWD = Path.of("/usr/bin/mosquitto_passwd");

    @TempDir
    Path tmp;

    @Test
    void theShippedAclIsTheOneTheRuntimeWritesForSiteDemo() throws Exception {
        assertEquals(AccessRules.forSite("demo").mosquittoAcl(), Files.readString(SHIPPED.resolve("acl"),
                StandardCharsets.UTF_8), "config/mosquitto/acl is out of date: write it again from AccessRules");
    }

    @Test
    void theShippedMosquittoConfRunsWithTheRuntimesFiles() throws Exception {
        Mosquitto.assumeInstalled(Mosquitto.BINARY, PASSWD);
        Path state = tmp.resolve("state");
        CredentialStore store = new CredentialStore(CredentialFiles.folder(state), AccessRules.forSite("demo"), Set.of(),
                new SecureRandom());
        store.prepare();
        Issued gauge = store.provision(List.of("gauge-1")).get(0);
        String bridgePassword = Secrets.password(new SecureRandom());
        Devices.run(10, PASSWD, "-b", store.passwordFile().toString(), AccessRules.BRIDGE_USER, bridgePassword);
        BrokerCertificate certificate = BrokerCertificate.make(tmp.resolve("certs"));
        for (Path file : List.of(state, store.passwordFile().getParent(), store.passwordFile(), store.aclFile())) {
            file.toFile().setReadable(true, false);
        }

        int local = Mosquitto.freePort();
        int tls = Mosquitto.freePort();
        String config = Files.readString(SHIPPED.resolve("mosquitto.conf"), StandardCharsets.UTF_8)
                .replace("/var/lib/regie/state", state.toString())
                .replace("/etc/mosquitto/certs/mqtt.city.example.crt", certificate.cert().toString())
                .replace("/etc/mosquitto/certs/mqtt.city.example.key", certificate.key().toString())
                .replace("persistence_location /var/lib/mosquitto/", "persistence_location " + tmp + "/")
                .replace("listener 8883\n", "listener " + tls + " 127.0.0.1\n")
                .replace("listener 1883 127.0.0.1\n", "listener " + local + " 127.0.0.1\n");
        assertTrue(config.contains("listener " + tls + " 127.0.0.1\n") && config.contains("listener " + local
                + " 127.0.0.1\n"), "the shipped file's listeners were found: " + config);
        try (Mosquitto broker = Mosquitto.configured(tmp, local, config)) {
            broker.launch();
            ConnectionSettings bridge = new ConnectionSettings("tcp://127.0.0.1:" + local, "regie-demo",
                    AccessRules.BRIDGE_USER, bridgePassword, null, null, 2, 3600, 30, 1024 * 1024);
            try (BridgeFixture fixture = new BridgeFixture(bridge, "demo", 3.0).start()) {
                await().atMost(Duration.ofSeconds(15)).until(fixture.connection::isSubscribed);

                ConnectionSettings device = new ConnectionSettings("ssl://127.0.0.1:" + tls, gauge.clientId(),
                        gauge.username(), gauge.password(), certificate.truststore().toString(),
                        BrokerCertificate.TRUSTSTORE_PASSWORD, 2, 0, 30, 1024 * 1024);
                MqttAsyncClient client = new MqttAsyncClient(device.serverUri(), device.clientId(), new MemoryPersistence());
                MqttConnectionOptions options = PahoConnection.options(device);
                options.setCleanStart(true);
                client.connect(options).waitForCompletion(10_000);
                client.publish(gauge.topicPrefix() + "tele", new MqttMessage(Devices.utf8("[{\"n\":"
                        + "\"urn:ngsi-ld:WaterObserved:gauge-1:waterLevel\",\"u\":\"m\",\"v\":0.61}]"), 1, false, null))
                        .waitForCompletion(10_000);
                await().atMost(Duration.ofSeconds(10)).until(() -> fixture.telemetry().size() == 1);
                assertEquals(Value.of(0.61), fixture.telemetry().get(0).value());

                // Too big a pack: over the bridge's 64 KiB it arrives and is counted on the device; over the broker's
                // max_packet_size (1 MiB, the bridge's own limit too) the device itself is refused.
                String big = "[{\"n\":\"urn:ngsi-ld:WaterObserved:gauge-1:note\",\"vs\":\"" + "x".repeat(100_000) + "\"}]";
                client.publish(gauge.topicPrefix() + "tele", new MqttMessage(Devices.utf8(big), 1, false, null))
                        .waitForCompletion(10_000);
                await().atMost(Duration.ofSeconds(10)).until(() -> fixture.bridge.device("gauge-1").orElseThrow()
                        .counts().telemetryRejected() == 1);
                assertTrue(fixture.bridge.device("gauge-1").orElseThrow().lastRejection().reason()
                        .contains("exceeds the limit of 65536 bytes"));
                byte[] huge = new byte[2 * 1024 * 1024];
                java.util.Arrays.fill(huge, (byte) ' ');
                boolean refusedToTheDevice;
                try {
                    client.publish(gauge.topicPrefix() + "tele", new MqttMessage(huge, 1, false, null))
                            .waitForCompletion(10_000);
                    await().atMost(Duration.ofSeconds(10)).until(() -> !client.isConnected());
                    refusedToTheDevice = true;
                } catch (MqttException e) {
                    refusedToTheDevice = true;
                }
                assertTrue(refusedToTheDevice, "a 2 MiB publish is refused to the device");
                if (client.isConnected()) {
                    client.disconnect().waitForCompletion(5_000);
                }
                client.close();

                for (String url : List.of("tcp://127.0.0.1:" + local, "ssl://127.0.0.1:" + tls)) {
                    boolean tlsListener = url.startsWith("ssl:");
                    ConnectionSettings anonymous = new ConnectionSettings(url, "nobody", null, null,
                            tlsListener ? certificate.truststore().toString() : null,
                            tlsListener ? BrokerCertificate.TRUSTSTORE_PASSWORD : null, 2, 0, 30, 1024 * 1024);
                    MqttAsyncClient nobody = new MqttAsyncClient(url, "nobody", new MemoryPersistence());
                    MqttConnectionOptions without = PahoConnection.options(anonymous);
                    MqttException refused = assertThrows(MqttException.class,
                            () -> nobody.connect(without).waitForCompletion(10_000), url);
                    assertEquals(0x87, refused.getReasonCode(), url);
                    nobody.close(true);
                }
            }
        }
    }
}
