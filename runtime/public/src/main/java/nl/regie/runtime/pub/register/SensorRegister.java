package nl.regie.runtime.pub.register;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.state.AttributeState;
import nl.regie.api.state.EntityState;
import nl.regie.runtime.spi.bus.TopicFilter;
import nl.regie.runtime.spi.devices.DeviceSnapshot;
import nl.regie.runtime.spi.history.History.Retention;
import nl.regie.runtime.spi.policy.AccessPolicy;
import nl.regie.runtime.spi.policy.SharingRule;
import nl.regie.runtime.spi.policy.SharingRule.Form;

/**
 * The public sensor register, worked out from what the runtime enforces, never typed in twice: the devices the bridge
 * knows, the attributes each reported (from the city state), its managing party and who receives its data in which form
 * (from the operator's policy: the first rule from the owner to a recipient that matches a topic decides, as the policy's
 * views decide, and attributes marked personal reach only a rule that says so), the plugins of each recipient whose
 * declared scope reads it, the retention of the history, and the purpose the operator declared per device type. Plain
 * Java.
 *
 * <p>When a device has reported nothing yet, the register does not know its attributes and judges each rule by whether
 * it can match the device's entities at all: it may then name more sharing than happens, never less.
 */
public final class SensorRegister {

    /** The type shown for a device whose birth announced none. */
    public static final String UNKNOWN_TYPE = "unknown";

    private SensorRegister() {
    }

    /**
     * What the register is made from.
     *
     * @param devices     the devices the bridge knows
     * @param entities    the city state's entities
     * @param policy      the operator's policy
     * @param pluginReads the topic filters each running plugin declared it reads, by symbolic name
     * @param purposes    the declared purposes, by device type
     * @param retention   the history's retention by entity type; empty without a history
     * @param contact     whom residents may ask
     */
    public record Inputs(List<DeviceSnapshot> devices, Function<EntityId, Optional<EntityState>> entities,
            AccessPolicy policy, Map<String, List<TopicFilter>> pluginReads, Map<String, Purpose> purposes,
            Function<String, Optional<Retention>> retention, String contact) {
    }

    /**
     * One sensor in the register.
     *
     * @param device        the device id
     * @param type          its entity type, or {@value #UNKNOWN_TYPE}
     * @param location      where it is, or null if not known
     * @param measures      the attributes it reported, with their units
     * @param managingParty the party its data belongs to
     * @param purpose       the declared purpose of its type, or null when none is declared
     * @param personal      whether it touches personal data: declared so, or an attribute the policy marks personal
     * @param recipients    who receives its data: its own party first, then by name
     * @param retention     how long the history keeps its readings, or null without a history
     * @param contact       whom to ask
     */
    public record Sensor(String device, String type, Location location, List<Measure> measures, String managingParty,
            Purpose purpose, boolean personal, List<Recipient> recipients, Retention retention, String contact) {
    }

    /**
     * One attribute a sensor measures.
     *
     * @param attribute the attribute's name (Smart Data Models)
     * @param unit      its SenML unit, or ""
     */
    public record Measure(String attribute, String unit) {
    }

    /**
     * A party (or remote site) that receives a sensor's data.
     *
     * @param party      the party, or the remote site's name
     * @param remoteSite whether it is a remote site ({@code exports})
     * @param owner      whether it is the managing party itself
     * @param form       the most revealing form in which it receives any of the sensor's attributes
     * @param personal   whether that includes attributes marked personal
     * @param rules      the policy's rules that let it through, as written (none for the owner)
     * @param plugins    the running plugins of that party whose declared scope reads the sensor's data
     */
    public record Recipient(String party, boolean remoteSite, boolean owner, Form form, boolean personal,
            List<String> rules, List<String> plugins) {
    }

    /** The register, sensors in the order of their device ids. */
    public static List<Sensor> build(Inputs in) {
        List<DeviceSnapshot> devices = new ArrayList<>(in.devices());
        devices.sort(Comparator.comparing(DeviceSnapshot::id));
        List<SharingRule> rules = in.policy().sharingRules();
        List<TopicFilter> personal = in.policy().personalFilters();
        Map<String, String> pluginParties = new LinkedHashMap<>();
        in.pluginReads().keySet().forEach(plugin -> pluginParties.put(plugin, in.policy().partyOfPlugin(plugin)));
        List<Sensor> sensors = new ArrayList<>();
        for (DeviceSnapshot device : devices) {
            sensors.add(sensor(in, device, rules, personal, pluginParties));
        }
        return sensors;
    }

    private static Sensor sensor(Inputs in, DeviceSnapshot device, List<SharingRule> rules, List<TopicFilter> personal,
            Map<String, String> pluginParties) {
        List<Topic> topics = new ArrayList<>();
        Map<String, String> units = new LinkedHashMap<>();
        Location location = device.location();
        for (EntityId entity : device.entities()) {
            Optional<EntityState> state = in.entities().apply(entity);
            if (state.isEmpty()) {
                continue;
            }
            if (location == null) {
                location = state.get().location();
            }
            for (Map.Entry<String, AttributeState> attribute : state.get().attributes().entrySet()) {
                if (device.id().equals(attribute.getValue().source())) {
                    String topic = entity.type() + "/" + entity.localId() + "/" + attribute.getKey();
                    topics.add(new Topic(entity, attribute.getKey(), topic, anyMatches(personal, topic)));
                    units.putIfAbsent(attribute.getKey(), attribute.getValue().unit() == null ? ""
                            : attribute.getValue().unit());
                }
            }
        }
        if (topics.isEmpty()) {
            for (EntityId entity : device.entities()) {
                topics.add(new Topic(entity, null, null, false));
            }
        }
        String type = device.type() != null ? device.type()
                : device.entities().isEmpty() ? UNKNOWN_TYPE : device.entities().get(0).type();
        String owner = in.policy().partyOfSource(device.id());
        Purpose purpose = in.purposes().get(type);
        boolean touchesPersonal = purpose != null && purpose.personal()
                || topics.stream().anyMatch(Topic::personal);
        List<Recipient> recipients = new ArrayList<>();
        recipients.add(new Recipient(owner, false, true, Form.RAW, touchesPersonal, List.of(),
                plugins(owner, topics, in.pluginReads(), pluginParties)));
        Map<String, List<SharingRule>> byRecipient = new LinkedHashMap<>();
        for (SharingRule rule : rules) {
            if (rule.owner().equals(owner)) {
                byRecipient.computeIfAbsent((rule.remoteSite() ? "site " : "party ") + rule.recipient(),
                        k -> new ArrayList<>()).add(rule);
            }
        }
        List<Recipient> others = new ArrayList<>();
        for (List<SharingRule> ofRecipient : byRecipient.values()) {
            Recipient recipient = recipient(ofRecipient, topics, in.pluginReads(), pluginParties);
            if (recipient != null) {
                others.add(recipient);
            }
        }
        others.sort(Comparator.comparing(Recipient::remoteSite).thenComparing(Recipient::party));
        recipients.addAll(others);
        List<Measure> measures = units.entrySet().stream().map(e -> new Measure(e.getKey(), e.getValue()))
                .sorted(Comparator.comparing(Measure::attribute)).toList();
        return new Sensor(device.id(), type, location, measures, owner, purpose, touchesPersonal,
                List.copyOf(recipients), in.retention().apply(type).orElse(null), in.contact());
    }

    /**
     * What one recipient gets, deciding each topic as the policy does: the first of its rules that matches, and a
     * personal topic only under a rule that includes personal data. Null when it gets nothing.
     */
    private static Recipient recipient(List<SharingRule> rules, List<Topic> topics,
            Map<String, List<TopicFilter>> pluginReads, Map<String, String> pluginParties) {
        Form form = null;
        boolean personal = false;
        Set<String> texts = new LinkedHashSet<>();
        List<Topic> shared = new ArrayList<>();
        for (Topic topic : topics) {
            SharingRule first = rules.stream().filter(rule -> topic.matches(rule.filter())).findFirst().orElse(null);
            if (first == null || topic.personal() && !first.personal()) {
                continue;
            }
            shared.add(topic);
            texts.add(first.text());
            personal |= topic.personal();
            if (form == null || first.form().atLeast(form)) {
                form = first.form();
            }
        }
        if (form == null) {
            return null;
        }
        SharingRule any = rules.get(0);
        List<String> plugins = any.remoteSite() ? List.of()
                : plugins(any.recipient(), shared, pluginReads, pluginParties);
        List<String> inPolicyOrder = rules.stream().map(SharingRule::text).filter(texts::contains).distinct().toList();
        return new Recipient(any.recipient(), any.remoteSite(), false, form, personal, inPolicyOrder, plugins);
    }

    private static List<String> plugins(String party, List<Topic> topics, Map<String, List<TopicFilter>> pluginReads,
            Map<String, String> pluginParties) {
        Set<String> plugins = new TreeSet<>();
        pluginReads.forEach((plugin, reads) -> {
            if (party.equals(pluginParties.get(plugin))
                    && topics.stream().anyMatch(topic -> reads.stream().anyMatch(topic::matches))) {
                plugins.add(plugin);
            }
        });
        return List.copyOf(plugins);
    }

    private static boolean anyMatches(List<TopicFilter> filters, String topic) {
        return filters.stream().anyMatch(filter -> filter.matches(topic));
    }

    /** One attribute of one entity a device reported; without {@code attribute}, any attribute of the entity. */
    private record Topic(EntityId entity, String attribute, String topic, boolean personal) {

        boolean matches(TopicFilter filter) {
            return topic != null ? filter.matches(topic) : filter.matchesEntity(entity.type(), entity.localId());
        }
    }
}
