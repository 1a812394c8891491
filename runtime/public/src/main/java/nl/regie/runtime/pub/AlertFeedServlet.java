package nl.regie.runtime.pub;

import java.io.IOException;
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
import nl.regie.api.model.Location;
import nl.regie.api.notify.Notification;
import nl.regie.runtime.pub.cap.AtomFeed;
import nl.regie.runtime.pub.cap.CapFeed;
import nl.regie.runtime.pub.cap.CapMessage;
import nl.regie.runtime.pub.cap.CapXml;
import nl.regie.runtime.spi.alert.AlertBook;
import nl.regie.runtime.spi.alert.AlertFilter;
import nl.regie.runtime.spi.notify.NotificationLog;
import nl.regie.runtime.spi.state.FullCityState;

import org.osgi.framework.BundleContext;
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

/**
 * {@code GET /public/alerts.atom} (the Atom feed of the public warnings, each entry the latest CAP 1.2 message of one
 * alert) and {@code GET /public/alerts/{identifier}.xml} (one CAP message). Alerts are public when the configuration
 * names their category ({@link CapFeed}); the area is the circle of the latest notification about the alert, else the
 * alert's location with the configured radius; the instruction names the nearest sandbag points
 * ({@code PointOfInterest} entities of category {@code sandbagPoint}) from the city state. No token.
 */
@Component(service = Servlet.class, configurationPid = PublicSettings.PID)
@HttpWhiteboardServletPattern({"/public/alerts.atom", "/public/alerts/*"})
public class AlertFeedServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    /** How many sandbag points an instruction names. */
    static final int NEAREST_POINTS = 3;
    /** The most resolved alerts looked at for cancellations, and entries in the feed. */
    static final int LIMIT = 200;
    /** The most notifications looked through for an alert's audience. */
    static final int NOTIFICATIONS = 500;
    /** The sender when the configured one is refused. */
    static final String DEFAULT_SENDER = "regie";
    private static final Pattern MESSAGE = Pattern.compile("/([A-Za-z0-9._:-]{1,300})\\.xml");

    private final transient AlertBook alerts;
    private final transient FullCityState city;
    private final transient CapFeed feed;
    private transient volatile PublicHttp.Bound bound;
    private final transient String site;
    private final transient Logger log;
    private transient volatile double radiusMetres;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile NotificationLog notifications;

    /** Serves the public alerts of the configured categories. */
    @Activate
    public AlertFeedServlet(BundleContext context, PublicSettings config, @Reference AlertBook alerts,
            @Reference FullCityState city, @Reference(service = LoggerFactory.class) Logger log) {
        this.alerts = alerts;
        this.city = city;
        String name = context.getProperty("regie.site");
        this.site = name == null || name.isBlank() ? "demo" : name;
        this.log = log;
        this.radiusMetres = config.areaRadiusMetres();
        this.bound = new PublicHttp.Bound(config.concurrentRequests());
        CapFeed made;
        try {
            made = new CapFeed(config.sender(), site, Set.of(config.alertCategories()), this::area, this::instruction,
                    log::warn);
        } catch (IllegalArgumentException e) {
            log.error("Refused the CAP sender ({}): {}; using '{}'", PublicSettings.PID, e.getMessage(), DEFAULT_SENDER);
            made = new CapFeed(DEFAULT_SENDER, site, Set.of(config.alertCategories()), this::area, this::instruction,
                    log::warn);
        }
        this.feed = made;
    }

    /**
     * A changed configuration applies without losing the messages published so far (a restart of the component would
     * publish each active alert again as a new one); a sender CAP forbids is refused and the one in force stays.
     */
    @Modified
    void modified(PublicSettings config) {
        radiusMetres = config.areaRadiusMetres();
        bound = new PublicHttp.Bound(config.concurrentRequests());
        try {
            feed.configure(config.sender(), Set.of(config.alertCategories()));
        } catch (IllegalArgumentException e) {
            log.error("Refused the CAP sender ({}): {}; the sender in force stays", PublicSettings.PID, e.getMessage());
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
            List<Alert> all = new ArrayList<>(alerts.active());
            all.addAll(alerts.query(new AlertFilter(AlertFilter.State.RESOLVED, null, null), 0, LIMIT).alerts());
            all.sort(Comparator.comparing(Alert::updatedAt));
            feed.observe(all);
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
