package nl.regie.runtime.config;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import nl.regie.runtime.config.AttributeValue.Range;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * The {@code min} and {@code max} of each attribute, read from a metatype document ({@code OSGI-INF/metatype/*.xml},
 * as bnd writes it from {@code @AttributeDefinition(min = "0", max = "1")}). The MetaType API's
 * {@code AttributeDefinition} enforces them in {@code validate} but does not tell them, and a message that says
 * "above the maximum" should say which maximum.
 */
final class MetatypeRanges {

    private MetatypeRanges() {
    }

    /**
     * The ranges in one document, by PID (each {@code Designate}'s PID, through its {@code Object ocdref}; an
     * {@code OCD} no designate refers to is listed under its own id), then by attribute id. Attributes without
     * {@code min} and {@code max} are left out.
     */
    static Map<String, Map<String, Range>> read(InputStream document) throws IOException {
        Document xml = parse(document);
        Map<String, Map<String, Range>> byOcd = new HashMap<>();
        Map<String, String> pidToOcd = new LinkedHashMap<>();
        for (Element child : children(xml.getDocumentElement())) {
            switch (child.getLocalName() == null ? child.getTagName() : child.getLocalName()) {
                case "OCD" -> byOcd.put(child.getAttribute("id"), ranges(child));
                case "Designate" -> {
                    String pid = !child.getAttribute("pid").isEmpty() ? child.getAttribute("pid") : child.getAttribute("factoryPid");
                    for (Element object : children(child)) {
                        if (!pid.isEmpty() && !object.getAttribute("ocdref").isEmpty()) {
                            pidToOcd.put(pid, object.getAttribute("ocdref"));
                        }
                    }
                }
                default -> {
                    // Icons, localisation: nothing about ranges.
                }
            }
        }
        Map<String, Map<String, Range>> byPid = new HashMap<>(byOcd);
        pidToOcd.forEach((pid, ocd) -> {
            if (byOcd.containsKey(ocd)) {
                byPid.put(pid, byOcd.get(ocd));
            }
        });
        return byPid;
    }

    private static Map<String, Range> ranges(Element ocd) {
        Map<String, Range> ranges = new LinkedHashMap<>();
        for (Element ad : children(ocd)) {
            String name = ad.getLocalName() == null ? ad.getTagName() : ad.getLocalName();
            if (!name.equals("AD")) {
                continue;
            }
            String min = ad.hasAttribute("min") ? ad.getAttribute("min") : null;
            String max = ad.hasAttribute("max") ? ad.getAttribute("max") : null;
            if (min != null || max != null) {
                ranges.put(ad.getAttribute("id"), new Range(min, max));
            }
        }
        return ranges;
    }

    private static Document parse(InputStream document) throws IOException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            // A plugin's document is not trusted to fetch anything: no DTDs, no external entities.
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(new DefaultHandler()); // fails on fatal errors, without printing them
            return builder.parse(document);
        } catch (ParserConfigurationException | SAXException | IllegalArgumentException e) {
            throw new IOException("not a readable metatype document: " + e.getMessage(), e);
        }
    }

    private static Iterable<Element> children(Element parent) {
        NodeList nodes = parent.getChildNodes();
        List<Element> elements = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i).getNodeType() == Node.ELEMENT_NODE) {
                elements.add((Element) nodes.item(i));
            }
        }
        return elements;
    }
}
