package nl.regie.api.bus;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.annotation.versioning.ProviderType;
import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Component property type that sets the {@value ReadingListener#TOPICS} service property of a
 * {@link ReadingListener} component: {@code @ReadingTopics("WasteContainer/+/fillingLevel")}.
 */
@ProviderType
@ComponentPropertyType
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface ReadingTopics {

    /** Prefix that, with the annotation's name, makes the property name {@value ReadingListener#TOPICS}. */
    String PREFIX_ = "regie.";

    /** The topic filters, MQTT style, for example {@code Streetlight/+/powerConsumption} or {@code CrowdFlowObserved/#}. */
    String[] value();
}
