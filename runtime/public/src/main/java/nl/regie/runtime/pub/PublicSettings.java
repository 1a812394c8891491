package nl.regie.runtime.pub;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The public side's configuration, PID {@value #PID}: purposes per device type, the contact, the public alerts. */
@ObjectClassDefinition(name = "Regie public side",
        description = "The public sensor register and the public warnings (CAP 1.2)")
public @interface PublicSettings {

    /** The configuration PID. */
    String PID = "nl.regie.runtime.public";

    @AttributeDefinition(name = "Purposes", required = false,
            description = "Per device type: {Type}|{legal basis}|{yes|no: personal data}|{purpose, English}|{doel,"
                    + " Nederlands}. A type without an entry is listed as having no purpose declared.")
    String[] purposes() default {};

    @AttributeDefinition(name = "Contact", description = "Whom residents may ask about the sensors and their data")
    String contact() default "the city's privacy desk";

    @AttributeDefinition(name = "Public alert categories", required = false,
            description = "Alerts published as CAP 1.2: {category} or {category}/{subCategory} (Smart Data Models)")
    String[] alertCategories() default {};

    @AttributeDefinition(name = "CAP sender", description = "The CAP sender: no spaces, commas, '<' or '&'")
    String sender() default "regie";

    @AttributeDefinition(name = "Area radius (m)", min = "1", max = "50000",
            description = "The radius of a public alert's area around its location when no notification gives one")
    double areaRadiusMetres() default 500;

    @AttributeDefinition(name = "Ended alerts kept (h)", min = "1", max = "8760",
            description = "How long an ended public alert's messages (its Cancel last) stay in the feed and by URL")
    int endedAlertsKeptHours() default 24;

    @AttributeDefinition(name = "Concurrent requests", min = "1", max = "64",
            description = "Public requests worked on at once per endpoint; more get 503 with Retry-After")
    int concurrentRequests() default 4;
}
