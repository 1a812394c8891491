package nl.regie.api.actuation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.annotation.versioning.ProviderType;
import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Component property type that sets the {@value ActuationDriver#ENTITY_TYPES} service property of an
 * {@link ActuationDriver} component: {@code @DriverEntityTypes({"Streetlight", "StreetlightGroup"})}.
 */
@ProviderType
@ComponentPropertyType
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface DriverEntityTypes {

    /** Prefix that, with the annotation's name, makes the property name {@value ActuationDriver#ENTITY_TYPES}. */
    String PREFIX_ = "regie.";

    /** The entity types the driver handles. */
    String[] value();
}
