package nl.regie.runtime.pub;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import nl.regie.api.alert.Alert;
import nl.regie.api.bus.Subscription;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.notify.Notification;
import nl.regie.runtime.pub.cap.AtomFeed;
import nl.regie.runtime.pub.cap.CapFeed;
import nl.regie.runtime.pub.cap.CapFiles;
import nl.regie.runtime.pub.cap.CapMessage;
import nl.regie.runtime.pub.cap.CapXml;
import nl.regie.runtime.spi.alert.AlertBook;
import nl.regie.runtime.spi.alert.AlertFilter;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.spi.bus.RuntimeBus;
import nl.regie.runtime.spi.notify.NotificationLog;
import nl.regie.runtime.spi.state.FullCityState;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * {@code GET /public/alerts.atom} (the Atom feed of the public warnings, each entry the latest CAP 1.2 message of one
 * alert) and {@code GET /public/alerts/{identifier}.xml} (one CAP message). Messages are issued as alerts change, not
 * when the feed is read: the servlet follows every alert change on the bus ({@code Alert/+/active}, one reading per
 * change) and hands the alert to the {@link CapFeed}, which issues an Alert, Update or Cancel as needed; at start it
 * catches up on the alerts as they are. The messages are kept in {@code <regie.state.dir>/public-alerts}
 * ({@link CapFiles}), so a restart issues nothing again. Alerts are public when the configuration names their category;
 * the area is the circle of the latest notification about the alert, else the alert's location with the configured
 * radius; the instruction names the nearest sandbag points ({@code PointOfInterest} entities of category
 * {@code sandbagPoint}) from the city state. No token.
 */
@Component(service = Servlet.class, configurationPid = PublicSettings.PID)
@HttpWhiteboardServletPattern({"/public/alerts.atom", "/public/alerts/*"})
public class AlertFeedServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    /** How many sandbag points an instruction names. */
    static final int NEAREST_POINTS = 3;
    /** The most resolved alerts looked at when catching up, and entries in the feed. */
    static final int LIMIT = 200;
    /** The most notifications looked through for an alert's audience. */
    static final int NOTIFICATIONS = 500;
    /** The sender when the configured one is refused. */
    static final String DEFAULT_SENDER = "regie";
    /** Framework property: the runtime's state folder; the messages issued are kept in its {@code public-alerts}. */
    static final String STATE_DIR = "regie.state.dir";
    /** One reading per alert change: the alert service publishes every attribute of an alert at each change. */
    static final String ALERT_CHANGES = "Alert/+/active";
    private static final Pattern MESSAGE = Pattern.compile("/([A-Za-z0-9._:-]{1,300})\\.xml");

    private final transient AlertBook alerts;
    private final transient FullCityState city;
    private final transient CapFeed feed;
    private final transient CapFiles files;
    private final transient Subscription changes;
    private transient volatile PublicHttp.Bound bound;
    private final transient String site;
    private final transient Logger log;
    private transient volatile double radiusMetres;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile NotificationLog notifications;

    /** Serves the public alerts of the configured categories, issuing their messages as the alerts change. */
    @Activate
    public AlertFeedServlet(BundleContext context, PublicSettings config, @Reference AlertBook alerts,
            @Reference FullCityState city, @Reference RuntimeBus bus,
            @Reference(service = LoggerFactory.class) Logger log) {
        this(config, context.getProperty("regie.site"), stateDir(context.getProperty(STATE_DIR)), alerts, city, bus,
                Owner.of(context.getBundle()), log, Clock.systemUTC());
    }

    /** Outside a framework (tests): the state folder, or null to keep the messages in memory only. */
    AlertFeedServlet(PublicSettings config, String siteName, Path stateDir, AlertBook alerts, FullCityState city,
            RuntimeBus bus, Owner owner, Logger log, Clock clock) {
        this.alerts = alerts;
        this.city = city;
        this.site = siteName == null || siteName.isBlank() ? "demo" : siteName;
        this.log = log;
        this.radiusMetres = config.areaRadiusMetres();
        this.bound = new PublicHttp.Bound(config.concurrentRequests());
        CapFeed made;
        try {
            made = new CapFeed(config.sender(), site, Set.of(config.alertCategories()), endedKept(config), this::area,
                    this::instruction, log::warn, clock);
        } catch (IllegalArgumentException e) {
            log.error("Refused the public alerts' settings ({}): {}; using sender '{}' and keeping ended alerts 24 h",
                    PublicSettings.PID, e.getMessage(), DEFAULT_SENDER);
            made = new CapFeed(DEFAULT_SENDER, site, Set.of(config.alertCategories()), Duration.ofHours(24),
                    this::area, this::instruction, log::warn, clock);
        }
        this.feed = made;
        this.files = stateDir == null ? null : open(made, stateDir.resolve("public-alerts"), log);
        this.changes = bus.subscribe(owner, List.of(ALERT_CHANGES), this::changed);
        try {
            feed.observe(current());
        } catch (RuntimeException e) {
            log.error("Could not catch up on the alerts as they are: {}; their next change is published", e.toString());
        }
    }

    private static Path stateDir(String property) {
        return property == null || property.isBlank() ? null : Path.of(property.strip());
    }

    private static Duration endedKept(PublicSettings config) {
        return Duration.ofHours(config.endedAlertsKeptHours());
    }

    private static CapFiles open(CapFeed feed, Path folder, Logger log) {
        try {
            return CapFiles.open(feed, folder, (level, message) -> {
                switch (level) {
                    case INFO -> log.info(message);
                    case WARN -> log.warn(message);
                    default -> log.error(message);
                }
            });
        } catch (IOException e) {
            log.error("The public alerts' messages cannot be kept in {}: {}; they are kept in memory only, and a"
                    + " restart issues the active alerts' messages again", folder, e.toString());
            return null;
        }
    }

    @Deactivate
    void deactivate() {
        changes.close();
        if (files != null) {
            files.close();
        }
    }

    /** The feed (tests). */
    CapFeed feed() {
        return feed;
    }

    /** The alerts as they are now: the active ones and the recently resolved, oldest change first. */
    private List<Alert> current() {
        List<Alert> all = new ArrayList<>(alerts.active());
        all.addAll(alerts.query(new AlertFilter(AlertFilter.State.RESOLVED, null, null), 0, LIMIT).alerts());
        all.sort(Comparator.comparing(Alert::updatedAt));
        return all;
    }

    /** An alert changed: the feed takes it in as it is now (a later change's reading follows, and changes nothing). */
    private void changed(Reading reading) {
        try {
            alerts.find(reading.entity().localId()).ifPresent(feed::observe);
        } catch (RuntimeException e) {
            // Caught here: failures thrown to the bus would in the end quarantine the subscription, and stop the feed.
            log.warn("Could not issue the public message of alert {}: {}", reading.entity().localId(), e.toString());
        }
    }

    /**
     * A changed configuration applies without losing the messages issued so far; a sender CAP forbids is refused and
     * the settings in force stay.
     */
    @Modified
    void modified(PublicSettings config) {
        radiusMetres = config.areaRadiusMetres();
        bound = new PublicHttp.Bound(config.concurrentRequests());
        try {
            feed.configure(config.sender(), Set.of(config.alertCategories()), endedKept(config));
        } catch (IllegalArgumentException e) {
            log.error("Refused the public alerts' settings ({}): {}; the settings in force stay", PublicSettings.PID,
                    e.getMessage());
        }
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        PublicHttp.Bound current = bound;
        if (!current.tryEnter()) {
            PublicHttp.busy(response, request.getRequestURI());
            return;
        }
        try {
            String base = request.getRequestURL().toString();
            base = base.substring(0, base.length() - request.getRequestURI().length()) + request.getContextPath()
                    + "/public/alerts";
            if (request.getServletPath().equals("/public/alerts.atom")) {
                PublicHttp.text(response, AtomFeed.MEDIA_TYPE, AtomFeed.write(feed.latest(LIMIT), base, site,
                        Instant.now()));
                return;
            }
            String path = request.getPathInfo();
            var matcher = MESSAGE.matcher(path == null ? "" : path);
            if (!matcher.matches()) {
                PublicHttp.problem(response, 404, "Not Found", "a public alert is /public/alerts/{identifier}.xml, as"
                        + " the feed /public/alerts.atom links it", request.getRequestURI());
                return;
            }
            Optional<CapMessage> message = feed.message(matcher.group(1));
            if (message.isEmpty()) {
                PublicHttp.problem(response, 404, "Not Found", "no public alert message " + matcher.group(1)
                        + " is kept", request.getRequestURI());
                return;
            }
            PublicHttp.text(response, CapXml.MEDIA_TYPE, CapXml.document(message.get(),
                    base + "/" + message.get().identifier() + ".xml"));
        } finally {
            current.leave();
        }
    }

    /** The circle of the latest notification about the alert, else its location with the configured radius. */
    private Optional<CapMessage.Area> area(Alert alert) {
        NotificationLog log = notifications;
        if (log != null) {
            for (Notification n : log.page(0, NOTIFICATIONS).notifications()) {
                if (alert.id().equals(n.about()) && n.audience() != null) {
                    return Optional.of(new CapMessage.Area(n.audience().description(), n.audience().center(),
                            n.audience().radiusMetres()));
                }
            }
        }
        if (alert.location() == null) {
            return Optional.empty();
        }
        return Optional.of(new CapMessage.Area(String.format(Locale.ROOT, "within %.0f m of the alert's place",
                radiusMetres), alert.location(), radiusMetres));
    }

    /** The nearest sandbag points to the alert, from the city state, or "" when none is known. */
    private String instruction(Alert alert) {
        Location where = alert.location();
        if (where == null) {
            return "";
        }
        return Instructions.sandbags(city.byType("PointOfInterest"), where, NEAREST_POINTS);
    }
}
