package nl.regie.runtime.pub;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import nl.regie.api.scope.PluginScope;
import nl.regie.runtime.pub.register.Purpose;
import nl.regie.runtime.pub.register.RegisterFormats;
import nl.regie.runtime.pub.register.SensorRegister;
import nl.regie.runtime.pub.register.SensorRegister.Sensor;
import nl.regie.runtime.pub.register.SharedLastDays;
import nl.regie.runtime.pub.register.SharedLastDays.Summary;
import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.audit.AuditReader;
import nl.regie.runtime.spi.bus.TopicFilter;
import nl.regie.runtime.spi.devices.DeviceDirectory;
import nl.regie.runtime.spi.history.History;
import nl.regie.runtime.spi.lifecycle.PluginBundles;
import nl.regie.runtime.spi.lifecycle.RuntimeBundles;
import nl.regie.runtime.spi.policy.AccessPolicy;
import nl.regie.runtime.spi.state.FullCityState;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * {@code GET /public/sensors} (the page: a map and a list, Dutch by default, {@code ?lang=en} in English),
 * {@code /public/sensors.json} and {@code /public/sensors.csv}: the public sensor register, worked out afresh for every
 * request from the device registry, the city state, the operator's policy, the plugins' declared scopes and the
 * history's retention ({@link SensorRegister}), and what was shared in the last 30 days from the audit log. No token;
 * never a reading's value, only which attributes a sensor measures.
 */
@Component(service = Servlet.class, configurationPid = PublicSettings.PID)
@Designate(ocd = PublicSettings.class)
@HttpWhiteboardServletPattern({"/public/sensors", "/public/sensors.json", "/public/sensors.csv"})
public class SensorsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient BundleContext context;
    private final transient DeviceDirectory devices;
    private final transient FullCityState city;
    private final transient AccessPolicy policy;
    private final transient Logger log;
    private transient volatile Settings settings;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile AuditReader audit;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile History history;

    /** What the configuration says, checked. */
    private record Settings(Map<String, Purpose> purposes, String contact, PublicHttp.Bound bound) {
    }

    /** Serves the register. */
    @Activate
    public SensorsServlet(BundleContext context, PublicSettings config, @Reference DeviceDirectory devices,
            @Reference FullCityState city, @Reference(policyOption = ReferencePolicyOption.GREEDY) AccessPolicy policy,
            @Reference(service = LoggerFactory.class) Logger log) {
        this.context = context;
        this.devices = devices;
        this.city = city;
        this.policy = policy;
        this.log = log;
        this.settings = settings(config, new Settings(Map.of(), config.contact(),
                new PublicHttp.Bound(config.concurrentRequests())));
    }

    /** A changed configuration applies at once; a malformed purpose keeps the purposes in force. */
    @Modified
    void modified(PublicSettings config) {
        settings = settings(config, settings);
    }

    private Settings settings(PublicSettings config, Settings before) {
        Map<String, Purpose> purposes;
        try {
            purposes = Purpose.parse(config.purposes());
        } catch (IllegalArgumentException e) {
            log.error("Refused the register's purposes ({}): {}; the purposes in force stay ({} types)",
                    PublicSettings.PID, e.getMessage(), before.purposes().size());
            purposes = before.purposes();
        }
        return new Settings(purposes, config.contact(), new PublicHttp.Bound(config.concurrentRequests()));
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getServletPath();
        RegisterFormats.Language lang;
        try {
            lang = RegisterFormats.Language.of(request.getParameter("lang"));
        } catch (IllegalArgumentException e) {
            PublicHttp.problem(response, 400, "Bad Request", e.getMessage(), request.getRequestURI());
            return;
        }
        Settings current = settings;
        if (!current.bound().tryEnter()) {
            PublicHttp.busy(response, request.getRequestURI());
            return;
        }
        try {
            Instant now = Instant.now();
            List<Sensor> sensors = register(current);
            if (path.endsWith(".csv")) {
                PublicHttp.text(response, "text/csv", RegisterFormats.csv(sensors));
                return;
            }
            Summary shared = shared(now);
            if (path.endsWith(".json")) {
                PublicHttp.text(response, "application/json",
                        PublicHttp.MAPPER.writeValueAsString(RegisterFormats.json(sensors, shared, now)));
            } else {
                PublicHttp.text(response, "text/html", RegisterFormats.html(sensors, shared, lang, now));
            }
        } finally {
            current.bound().leave();
        }
    }

    private List<Sensor> register(Settings current) {
        History store = history;
        return SensorRegister.build(new SensorRegister.Inputs(devices.devices(), city::entity, policy, pluginReads(),
                current.purposes(), type -> store == null ? Optional.empty() : store.retention(type),
                current.contact()));
    }

    private Summary shared(Instant now) {
        AuditReader reader = audit;
        List<AuditEvent> running = policy.sharingNotYetAudited(); // first: see SharedLastDays.read
        return reader == null ? new Summary(SharedLastDays.summarise(running), false)
                : SharedLastDays.read(reader, running, now);
    }

    /** The topic filters each running plugin declared it reads, from its bundle's {@code regie.scope} capabilities. */
    private Map<String, List<TopicFilter>> pluginReads() {
        Map<String, List<TopicFilter>> reads = new TreeMap<>();
        RuntimeBundles runtime = RuntimeBundles.of(context);
        for (Bundle bundle : context.getBundles()) {
            BundleRevision revision = bundle.adapt(BundleRevision.class);
            if (revision == null || !PluginBundles.isPlugin(bundle, runtime)) {
                continue;
            }
            List<TopicFilter> filters = new ArrayList<>();
            for (BundleCapability capability : revision.getDeclaredCapabilities(PluginScope.NAMESPACE)) {
                filters.addAll(filters(capability.getAttributes().get(PluginScope.READS)));
            }
            reads.put(bundle.getSymbolicName(), List.copyOf(filters));
        }
        return reads;
    }

    /** The filters of a {@code reads} attribute; one the runtime could not read either is left out. */
    static List<TopicFilter> filters(Object attribute) {
        Collection<?> values = attribute instanceof Collection<?> list ? list
                : attribute instanceof String[] array ? Arrays.asList(array)
                : attribute == null ? List.of() : List.of(attribute);
        List<TopicFilter> filters = new ArrayList<>();
        for (Object value : values) {
            for (String text : String.valueOf(value).split(",")) {
                if (!text.isBlank()) {
                    try {
                        filters.add(TopicFilter.parse(text.trim()));
                    } catch (IllegalArgumentException e) {
                        // The runtime refuses the same declaration (scope refusal "declare"): it reads nothing by it.
                    }
                }
            }
        }
        return filters;
    }
}
