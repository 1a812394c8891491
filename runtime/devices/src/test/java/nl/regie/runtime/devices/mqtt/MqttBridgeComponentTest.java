package nl.regie.runtime.devices.mqtt;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import nl.regie.api.actuation.ActuationDriver;
import nl.regie.api.actuation.Command;
import nl.regie.api.actuation.CommandResult;
import nl.regie.api.actuation.CommandState;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.runtime.core.bus.BusEngine;
import nl.regie.runtime.core.bus.BusSettings;
import nl.regie.runtime.testing.Mosquitto;
import nl.regie.runtime.testing.RecordingLogger;

import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/** The DS component, constructed by hand with a stand-in bundle context, as SCR would. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MqttBridgeComponentTest {

    /** One service registration made through the fake bundle context. */
    record Registered(String objectClass, Object service, Map<String, Object> properties, boolean[] unregistered) {
    }

    @TempDir
    Path tmp;

    private final RecordingLogger log = new RecordingLogger();
    private final BusEngine bus = new BusEngine(BusSettings.defaults(), log.logger());
    private final List<Registered> registrations = new CopyOnWriteArrayList<>();
    private MqttBridgeComponent component;
    private Mosquitto broker;

    @AfterEach
    void stop() {
        if (component != null) {
            component.deactivate();
        }
        bus.close();
        if (broker != null) {
            broker.close();
        }
    }

    private BundleContext context(Map<String, String> properties) {
        return (BundleContext) Proxy.newProxyInstance(BundleContext.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getProperty" -> properties.get((String) args[0]);
                    case "registerService" -> register(args);
                    case "toString" -> "fake context";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private ServiceRegistration<?> register(Object[] args) {
        Map<String, Object> properties = new HashMap<>();
        Dictionary<?, ?> dictionary = (Dictionary<?, ?>) args[2];
        for (var keys = dictionary.keys(); keys.hasMoreElements();) {
            Object key = keys.nextElement();
            properties.put((String) key, dictionary.get(key));
        }
        boolean[] unregistered = {false};
        String objectClass = args[0] instanceof Class<?> c ? c.getName() : String.valueOf(args[0]);
        registrations.add(new Registered(objectClass, args[1], properties, unregistered));
        return (ServiceRegistration<?>) Proxy.newProxyInstance(ServiceRegistration.class.getClassLoader(),
                new Class<?>[] {ServiceRegistration.class}, (proxy, method, a) -> {
                    if (method.getName().equals("unregister")) {
                        unregistered[0] = true;
                        return null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    /** The configuration with its defaults, some overridden. */
    private static MqttBridgeComponent.Config config(Map<String, Object> overrides) {
        return (MqttBridgeComponent.Config) Proxy.newProxyInstance(MqttBridgeComponent.Config.class.getClassLoader(),
                new Class<?>[] {MqttBridgeComponent.Config.class}, (proxy, method, args) -> {
                    if (overrides.containsKey(method.getName())) {
                        return overrides.get(method.getName());
                    }
                    if (method.getDefaultValue() != null) {
                        return method.getDefaultValue();
                    }
                    return switch (method.getName()) {
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        case "toString" -> "config " + overrides;
                        case "annotationType" -> MqttBridgeComponent.Config.class;
                        default -> throw new UnsupportedOperationException(method.getName());
                    };
                });
    }

    @Test
    void withoutABrokerTheBridgeIsOffAndSaysSoOnce() {
        component = new MqttBridgeComponent(config(Map.of()), context(Map.of("regie.site", "demo")), bus, log.logger());
        assertEquals(List.of("no MQTT broker configured; the device bridge is off"), log.messages("info"));
        assertEquals(List.of(), log.messages("warn"));
        assertEquals(List.of(), log.messages("error"));
        assertFalse(component.bridge().enabled());
        assertEquals(List.of(), component.devices());
        assertTrue(component.device("x").isEmpty());
        assertEquals(List.of(), registrations);
    }

    @Test
    void aBadBrokerUrlOrSiteTurnsTheBridgeOffWithTheReason() {
        component = new MqttBridgeComponent(config(Map.of()), context(Map.of("regie.mqtt.url", "http://x")), bus,
                log.logger());
        assertTrue(log.messages("error").get(0).contains("'http://x' must be tcp://host:port"), log.entries().toString());
        assertFalse(component.bridge().enabled());
        component.deactivate();
        component = new MqttBridgeComponent(config(Map.of()), context(Map.of("regie.mqtt.url", "tcp://127.0.0.1:1",
                "regie.site", "a/b")), bus, log.logger());
        assertTrue(log.messages("error").get(1).contains("site 'a/b'"), log.entries().toString());
    }

    @Test
    void badConfigurationValuesAreLoggedAndReplacedByDefaults() {
        BridgeSettings settings = MqttBridgeComponent.bridgeSettings("demo", config(Map.of("staleFactor", 0.5,
                "senml_maxRecords", 0, "device_entities", new String[] {"gw=urn:ngsi-ld:X:y", "broken"})), log.logger());
        assertEquals(BridgeSettings.DEFAULT_STALE_FACTOR, settings.staleFactor());
        assertEquals(1000, settings.senmlLimits().maxRecords());
        assertEquals(1, settings.registry().assigned("gw").size());
        List<String> errors = log.messages("error");
        assertEquals(3, errors.size(), errors.toString());
        assertTrue(errors.stream().anyMatch(e -> e.contains("device registry entry 'broken' skipped")), errors.toString());
    }

    @Test
    void extraUnitsComeFromConfigurationAndABadOneFallsBackToTheDefault() {
        assertEquals(Set.of("1/h"), MqttBridgeComponent.bridgeSettings("demo", config(Map.of()), log.logger())
                .senmlLimits().extraUnits());
        assertEquals(Set.of("1/h", "veh"), MqttBridgeComponent.bridgeSettings("demo",
                config(Map.of("senml_extraUnits", new String[] {"veh", "1/h", "veh"})), log.logger())
                .senmlLimits().extraUnits());
        assertEquals(Set.of(), MqttBridgeComponent.bridgeSettings("demo",
                config(Map.of("senml_extraUnits", new String[0])), log.logger()).senmlLimits().extraUnits());
        assertTrue(log.messages("error").isEmpty(), log.entries().toString());

        assertEquals(Set.of("1/h"), MqttBridgeComponent.bridgeSettings("demo",
                config(Map.of("senml_extraUnits", new String[] {"a\u0000b"})), log.logger()).senmlLimits().extraUnits());
        assertTrue(log.messages("error").get(0).contains("senml.extraUnits: extra unit 'a\\u0000b' must have 1 to 32"
                + " characters"), log.entries().toString());
    }

    @Test
    void readingsDatedAheadAreRefusedUnlessTheLauncherTurnsTheCheckOffForItsSimulatedClock() throws Exception {
        assertEquals(Duration.ofSeconds(300), MqttBridgeComponent.bridgeSettings("demo", config(Map.of()), log.logger())
                .futureTolerance());
        assertEquals(Duration.ofSeconds(60), MqttBridgeComponent.bridgeSettings("demo",
                config(Map.of("futureToleranceSeconds", 60)), log.logger()).futureTolerance());
        assertEquals(Duration.ofSeconds(300), MqttBridgeComponent.bridgeSettings("demo",
                config(Map.of("futureToleranceSeconds", 0)), log.logger()).futureTolerance());
        assertEquals(List.of("Configuration nl.regie.runtime.mqtt: futureToleranceSeconds 0 must be at least 1; using 300"),
                log.messages("error"));

        broker = Mosquitto.start(tmp);
        component = new MqttBridgeComponent(config(Map.of()), context(Map.of("regie.mqtt.url", broker.url(),
                "regie.site", "comp")), bus, log.logger());
        assertTrue(log.messages("info").get(0).endsWith("; readings dated more than 300 s ahead of this clock are refused"),
                log.messages("info").toString());
        component.deactivate();
        component = new MqttBridgeComponent(config(Map.of()), context(Map.of("regie.mqtt.url", broker.url(),
                "regie.site", "comp", "regie.mqtt.future.check", "off")), bus, log.logger());
        assertTrue(log.messages("info").get(1).endsWith("; readings of any date are taken (regie.mqtt.future.check=off:"
                + " devices on a simulated clock)"), log.messages("info").toString());
    }

    @Test
    void driversAreRegisteredPerEntityTypeAsTypesBecomeKnown() throws Exception {
        broker = Mosquitto.start(tmp);
        component = new MqttBridgeComponent(config(Map.of("device_entities",
                new String[] {"ctl-1=urn:ngsi-ld:StreetlightGroup:zone-1"})),
                context(Map.of("regie.mqtt.url", broker.url(), "regie.site", "comp")), bus, log.logger());
        assertTrue(component.bridge().enabled());
        assertEquals("regie-comp", component.bridge().clientId());
        await().atMost(Duration.ofSeconds(10)).until(() -> component.bridge().connected());
        await().atMost(Duration.ofSeconds(5)).until(() -> registrations.size() == 1);
        assertEquals("StreetlightGroup", registrations.get(0).properties().get(ActuationDriver.ENTITY_TYPES));
        assertEquals(ActuationDriver.class.getName(), registrations.get(0).objectClass());

        MqttAsyncClient lamp = Devices.paho(broker.url(), "lamp-3", "regie/v1/comp/dev/lamp-3/state");
        lamp.subscribe("regie/v1/comp/dev/lamp-3/cmd/+", 1).waitForCompletion(5000);
        List<String> commands = new CopyOnWriteArrayList<>();
        lamp.setCallback(new org.eclipse.paho.mqttv5.client.MqttCallback() {
            @Override
            public void messageArrived(String topic, org.eclipse.paho.mqttv5.common.MqttMessage message) throws Exception {
                commands.add(topic);
                String id = topic.substring(topic.lastIndexOf('/') + 1);
                Devices.publish(lamp, "regie/v1/comp/dev/lamp-3/ack/" + id, "{\"status\": \"completed\"}", false);
            }

            @Override
            public void disconnected(org.eclipse.paho.mqttv5.client.MqttDisconnectResponse response) {
            }

            @Override
            public void mqttErrorOccurred(org.eclipse.paho.mqttv5.common.MqttException exception) {
            }

            @Override
            public void deliveryComplete(org.eclipse.paho.mqttv5.client.IMqttToken token) {
            }

            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
            }

            @Override
            public void authPacketArrived(int reasonCode, org.eclipse.paho.mqttv5.common.packet.MqttProperties properties) {
            }
        });
        Devices.publish(lamp, "regie/v1/comp/dev/lamp-3/state", "{\"online\": true, \"type\": \"Streetlight\","
                + " \"entities\": [\"urn:ngsi-ld:Streetlight:lamp-3\"]}", true);
        await().atMost(Duration.ofSeconds(10)).until(() -> registrations.size() == 2);
        Registered streetlights = registrations.get(1);
        assertEquals("Streetlight", streetlights.properties().get(ActuationDriver.ENTITY_TYPES));

        // The registered driver carries a command to the lamp and back.
        ActuationDriver driver = (ActuationDriver) streetlights.service();
        CommandResult result = driver.execute(new Command("c-1", EntityId.parse("urn:ngsi-ld:Streetlight:lamp-3"), "switch",
                Map.of(), Instant.now().plusSeconds(10))).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(CommandState.COMPLETED, result.state());
        assertEquals(List.of("regie/v1/comp/dev/lamp-3/cmd/c-1"), commands);
        assertEquals("online", component.device("lamp-3").orElseThrow().state());

        // The presence check runs by itself: readings of the lamp's deviceState reached the bus.
        assertTrue(bus.publishedBy().getOrDefault("mqtt:lamp-3", 0L) >= 1);

        component.deactivate();
        component = null;
        assertTrue(registrations.stream().allMatch(r -> r.unregistered()[0]));
        lamp.disconnect().waitForCompletion(5000);
        lamp.close();
    }

    @Test
    void thePresenceCheckRunsEverySecond() throws Exception {
        broker = Mosquitto.start(tmp);
        List<Reading> states = new CopyOnWriteArrayList<>();
        bus.subscribe(new nl.regie.runtime.spi.bus.Owner("test", "0", 0), List.of("Device/+/deviceState"), states::add);
        component = new MqttBridgeComponent(config(Map.of("staleFactor", 1.0)),
                context(Map.of("regie.mqtt.url", broker.url(), "regie.site", "comp")), bus, log.logger());
        await().atMost(Duration.ofSeconds(10)).until(() -> component.bridge().connected());
        MqttAsyncClient gauge = Devices.paho(broker.url(), "gauge-2", null);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
            Devices.publish(gauge, "regie/v1/comp/dev/gauge-2/state", "{\"online\": true, \"interval\": 0.5}", false);
            return component.device("gauge-2").isPresent();
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> component.device("gauge-2").orElseThrow().state().equals("stale"));
        // The bus hands the reading to its subscribers on their own thread: it may come a little after the registry changed.
        await().atMost(Duration.ofSeconds(10)).until(() -> states.stream().anyMatch(r -> r.value().asObject().equals("stale")));
        gauge.disconnect().waitForCompletion(5000);
        gauge.close();
    }
}
