package nl.regie.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import nl.regie.api.bus.ReadingListener;

import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * The topics a {@link ReadingListener} component subscribes to on the whiteboard: its {@value ReadingListener#TOPICS}
 * service property, as the component description bnd generated from {@code @ReadingTopics} says it
 * ({@code OSGI-INF/<component name>.xml}; the name is the class name unless the component names itself).
 */
final class ComponentTopics {

    private ComponentTopics() {
    }

    /**
     * The topics of the component implemented by {@code type}.
     *
     * @throws IllegalStateException when no description of that class is on the class path, or it names no topics
     */
    static List<String> of(Class<?> type) {
        ClassLoader loader = type.getClassLoader();
        URL description = loader.getResource("OSGI-INF/" + type.getName() + ".xml");
        if (description == null) {
            throw new IllegalStateException("no component description OSGI-INF/" + type.getName() + ".xml on the class"
                    + " path: run the test through Maven after bnd-process, or pass the topics to listen(listener, topics)");
        }
        try (InputStream in = description.openStream()) {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setNamespaceAware(true);
            NodeList properties = factory.newDocumentBuilder().parse(in).getElementsByTagName("property");
            for (int i = 0; i < properties.getLength(); i++) {
                Element property = (Element) properties.item(i);
                if (!ReadingListener.TOPICS.equals(property.getAttribute("name"))) {
                    continue;
                }
                List<String> topics = new ArrayList<>();
                if (property.hasAttribute("value")) {
                    topics.add(property.getAttribute("value").trim());
                } else {
                    Arrays.stream(property.getTextContent().split("\n")).map(String::trim).filter(s -> !s.isEmpty())
                            .forEach(topics::add);
                }
                return topics;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + description, e);
        } catch (ParserConfigurationException | SAXException e) {
            throw new IllegalStateException("cannot read " + description + ": " + e.getMessage(), e);
        }
        throw new IllegalStateException(type.getName() + " declares no " + ReadingListener.TOPICS
                + " (@ReadingTopics): the runtime would not subscribe it");
    }
}
