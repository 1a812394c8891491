package nl.regie.runtime.devices.mqtt;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import nl.regie.api.model.Value;
import nl.regie.runtime.testing.Mosquitto;

import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge against a Mosquitto that wants TLS and a password: the broker's certificate (self-signed, for
 * 127.0.0.1) is trusted through a PKCS12 trust store, as {@code regie.mqtt.truststore} configures it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SecureBrokerTest {

    private static final Path PASSWD = Path.of("/usr/bin/mosquitto_passwd");
    private static final String SITE = "secure";

    @TempDir
    Path tmp;

    private Mosquitto broker;
    private BridgeFixture fixture;
    private Path truststore;

    @BeforeEach
    void startBroker() throws Exception {
        Mosquitto.assumeInstalled(Mosquitto.BINARY, PASSWD);
        Path certs = tmp.resolve("certs");
        BrokerCertificate certificate = BrokerCertificate.make(certs);
        Path cert = certificate.cert();
        Path key = certificate.key();
        truststore = certificate.truststore();
        Path passwords = certs.resolve("passwd");
        Devices.run(30, PASSWD, "-c", "-b", passwords.toString(), "regie", "s3cret");
        // Mosquitto reads these as the user it runs as.
        for (Path file : List.of(certs, cert, key, passwords)) {
            file.toFile().setReadable(true, false);
        }
        broker = Mosquitto.prepare(tmp, List.of("certfile " + cert, "keyfile " + key, "allow_anonymous false",
                "password_file " + passwords));
        broker.launch();
    }

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private ConnectionSettings settings(String user, String password) {
        return new ConnectionSettings("ssl://127.0.0.1:" + broker.port(), "regie-" + SITE, user, password,
                truststore.toString(), "trustpass", 2, ConnectionSettings.DEFAULT_SESSION_EXPIRY_SECONDS, 30,
                ConnectionSettings.DEFAULT_MAX_PACKET_BYTES);
    }

    @Test
    void theBridgeConnectsWithTlsAndCredentialsAndTakesTelemetry() throws Exception {
        fixture = new BridgeFixture(settings("regie", "s3cret"), SITE, 3.0).start();
        await().atMost(Duration.ofSeconds(15)).until(() -> fixture.connection.isSubscribed());

        MqttAsyncClient device = new MqttAsyncClient("ssl://127.0.0.1:" + broker.port(), "gauge-5", new MemoryPersistence());
        MqttConnectionOptions options = PahoConnection.options(settings("regie", "s3cret"));
        options.setCleanStart(true);
        device.connect(options).waitForCompletion(10_000);
        MqttMessage message = new MqttMessage(Devices.utf8("[{\"n\":\"urn:ngsi-ld:WaterObserved:gauge-5:waterLevel\","
                + "\"u\":\"m\",\"v\":1.25}]"));
        message.setQos(1);
        device.publish("regie/v1/" + SITE + "/dev/gauge-5/tele", message).waitForCompletion(10_000);
        await().atMost(Duration.ofSeconds(10)).until(() -> fixture.telemetry().size() == 1);
        assertEquals(Value.of(1.25), fixture.telemetry().get(0).value());
        device.disconnect().waitForCompletion(5000);
        device.close();
    }

    @Test
    void aWrongPasswordIsReportedAndRetried() throws Exception {
        fixture = new BridgeFixture(settings("regie", "wrong"), SITE, 3.0).start();
        await().atMost(Duration.ofSeconds(10)).until(() -> fixture.log.messages("warn").stream()
                .anyMatch(m -> m.contains("not reachable") && m.toLowerCase().contains("authori")));
        assertFalse(fixture.connection.isConnected());
    }

    @Test
    void aTrustStoreThatDoesNotTrustTheBrokerFailsTheHandshake() throws Exception {
        Path other = tmp.resolve("empty.p12");
        KeyStore empty = KeyStore.getInstance("PKCS12");
        empty.load(null, null);
        try (var out = Files.newOutputStream(other)) {
            empty.store(out, "x".toCharArray());
        }
        ConnectionSettings untrusting = new ConnectionSettings("ssl://127.0.0.1:" + broker.port(), "regie-" + SITE,
                "regie", "s3cret", other.toString(), "x", 2, 60, 30, ConnectionSettings.DEFAULT_MAX_PACKET_BYTES);
        fixture = new BridgeFixture(untrusting, SITE, 3.0).start();
        await().atMost(Duration.ofSeconds(10)).until(() -> fixture.log.messages("warn").stream()
                .anyMatch(m -> m.contains("not reachable")));
        assertFalse(fixture.connection.isConnected());
    }

    @Test
    void aMissingTrustStoreIsAClearError() {
        ConnectionSettings missing = new ConnectionSettings("ssl://127.0.0.1:1", "regie-x", null, null,
                tmp.resolve("nope.p12").toString(), "x", 2, 60, 30, ConnectionSettings.DEFAULT_MAX_PACKET_BYTES);
        IOException e = assertThrows(IOException.class, () -> PahoConnection.options(missing));
        assertTrue(e.getMessage().contains("cannot read the MQTT trust store"), e.getMessage());
    }
}
