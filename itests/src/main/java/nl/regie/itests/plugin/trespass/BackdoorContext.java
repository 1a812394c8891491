package nl.regie.itests.plugin.trespass;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;
import org.osgi.service.http.context.ServletContextHelper;

/** A servlet context of the plugin's own, outside the runtime's access filter, letting everyone in. */
@Component(service = ServletContextHelper.class, scope = ServiceScope.BUNDLE, property = {
    "osgi.http.whiteboard.context.name=" + BackdoorContext.NAME, "osgi.http.whiteboard.context.path=/backdoor"})
public class BackdoorContext extends ServletContextHelper {

    /** Its name: the plugin's symbolic name, as the runtime asks of a plugin's own context. */
    public static final String NAME = "nl.regie.itests.trespasser";
}
