package nl.regie.runtime.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What serving each kind of HTTP whiteboard service takes, in paths a plugin must declare and be granted. */
class WhiteboardNeedsTest {

    private static final String PLUGIN = "nl.example.acme";

    /**
     * Each row: object classes (';'-separated), properties ('key=value' pairs separated by ';', a value with ','
     * is a String[]), the paths needed ('-' for none at all, 'null' for not a whiteboard service), and a text the
     * description must hold.
     */
    @ParameterizedTest(name = "{0} {1} needs {2}")
    @CsvSource(delimiter = '|', nullValues = "null", textBlock = """
            java.lang.Runnable                  | component.name=x                                         | null         | -
            nl.regie.api.bus.ReadingListener    | regie.topics=#                                           | null         | -
            javax.servlet.Servlet               | osgi.http.whiteboard.servlet.pattern=/acme/*             | /acme        | servlet.pattern [/acme/*], in the default context
            javax.servlet.Servlet               | osgi.http.whiteboard.servlet.pattern=/acme/state,/acme/x | /acme/state;/acme/x | servlet.pattern
            javax.servlet.Servlet               | osgi.http.whiteboard.servlet.pattern=/acme/              | /acme        | -
            javax.servlet.Servlet               | osgi.http.whiteboard.servlet.pattern=/*                  | /            | -
            javax.servlet.Servlet               | osgi.http.whiteboard.servlet.pattern=/                   | /            | -
            javax.servlet.Servlet               | osgi.http.whiteboard.servlet.pattern=*.jsp               | /            | -
            javax.servlet.Servlet               | osgi.http.whiteboard.servlet.pattern=''                  | /            | -
            javax.servlet.Servlet               | osgi.http.whiteboard.servlet.errorPage=4xx               | /            | servlet.errorPage [4xx]
            jakarta.servlet.Servlet             | osgi.http.whiteboard.servlet.pattern=/acme/*             | /acme        | -
            javax.servlet.Servlet               | osgi.http.whiteboard.servlet.name=named                  | -            | -
            javax.servlet.Servlet               | component.name=x                                         | -            | -
            java.lang.Object                    | osgi.http.whiteboard.resource.pattern=/acme/ui/*         | /acme/ui     | resource.pattern
            javax.servlet.Filter                | osgi.http.whiteboard.filter.pattern=/*                   | /            | filter.pattern [/*]
            javax.servlet.Filter                | osgi.http.whiteboard.filter.pattern=/acme/*              | /acme        | -
            javax.servlet.Filter                | osgi.http.whiteboard.filter.regex=.*                     | /            | filter.regex
            javax.servlet.Filter                | osgi.http.whiteboard.filter.servlet=AccessFilter         | /            | filter.servlet
            javax.servlet.ServletRequestListener | osgi.http.whiteboard.listener=true                      | /            | a listener
            javax.servlet.http.HttpSessionListener | osgi.http.whiteboard.listener=true                    | /            | a listener
            org.osgi.service.http.whiteboard.Preprocessor | component.name=x                                | /            | a preprocessor
            org.osgi.service.http.context.ServletContextHelper | osgi.http.whiteboard.context.name=nl.example.acme;osgi.http.whiteboard.context.path=/acme | /acme | servlet context nl.example.acme at /acme
            org.osgi.service.http.context.ServletContextHelper | osgi.http.whiteboard.context.name=default;osgi.http.whiteboard.context.path=/ | / | not named by the plugin's symbolic name
            org.osgi.service.http.context.ServletContextHelper | osgi.http.whiteboard.context.name=nl.example.other;osgi.http.whiteboard.context.path=/other | / | not named by the plugin's symbolic name
            org.osgi.service.http.context.ServletContextHelper | osgi.http.whiteboard.context.name=nl.example.acme;osgi.http.whiteboard.context.path=/ | / | -
            javax.servlet.Servlet               | osgi.http.whiteboard.servlet.pattern=/*;osgi.http.whiteboard.context.select=(osgi.http.whiteboard.context.name=nl.example.acme) | - | in the plugin's own context
            javax.servlet.Servlet               | osgi.http.whiteboard.servlet.pattern=/*;osgi.http.whiteboard.context.select=( osgi.http.whiteboard.context.name = nl.example.acme ) | - | own context
            javax.servlet.Servlet               | osgi.http.whiteboard.servlet.pattern=/acme/*;osgi.http.whiteboard.context.select=(osgi.http.whiteboard.context.name=default) | /acme | default context
            javax.servlet.Servlet               | osgi.http.whiteboard.servlet.pattern=/x;osgi.http.whiteboard.context.select=(osgi.http.whiteboard.context.name=*) | / | selecting (osgi.http.whiteboard.context.name=*)
            javax.servlet.Servlet               | osgi.http.whiteboard.servlet.pattern=/x;osgi.http.whiteboard.context.select=(osgi.http.whiteboard.context.name=shared) | / | -
            javax.servlet.ServletRequestListener | osgi.http.whiteboard.listener=true;osgi.http.whiteboard.context.select=(osgi.http.whiteboard.context.name=nl.example.acme) | - | own context
            """)
    void needs(String objectClasses, String properties, String paths, String described) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (String pair : properties.split(";")) {
            int equals = pair.indexOf('=');
            String value = pair.substring(equals + 1).strip();
            map.put(pair.substring(0, equals).strip(), value.contains(",") ? value.split(",") : value);
        }
        WhiteboardNeeds needs = WhiteboardNeeds.of(objectClasses.split(";"), map::get,
                map.keySet().toArray(String[]::new), 42, PLUGIN);
        if (paths == null) {
            assertNull(needs);
            return;
        }
        assertEquals(paths.equals("-") ? List.of() : List.of(paths.split(";")), needs.paths());
        assertTrue(needs.what().startsWith("HTTP whiteboard service 42"), needs.what());
        assertTrue(described.equals("-") || needs.what().contains(described), needs.what());
    }
}
