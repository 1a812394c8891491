package nl.regie.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * nl.regie:runtime-bundles, the repository a plugin project's build resolves its bundle against, lists what the
 * launcher starts: every bundle of its bundles-into-launcher execution and the framework, less the runtime SPI (hidden
 * from plugins in a running Regie, so left out there on purpose). A bundle added to one and not the other fails here.
 */
class RuntimeBundlesTest {

    @Test
    void theRuntimeBundlesAreTheBundlesTheLauncherStartsLessTheRuntimeSpi() throws Exception {
        Set<String> launched = artifacts(Path.of("pom.xml"),
                "//execution[id='bundles-into-launcher']/configuration/artifactItems/artifactItem");
        Set<String> expected = new TreeSet<>(launched);
        expected.remove("nl.regie:runtime.spi");
        expected.add("org.apache.felix:org.apache.felix.framework");

        assertEquals(expected, artifacts(Path.of("../runtime-bundles/pom.xml"), "/project/dependencies/dependency"));
    }

    /** groupId:artifactId of the elements the expression selects. */
    private static Set<String> artifacts(Path pom, String expression) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        Document document = factory.newDocumentBuilder().parse(pom.toFile());
        NodeList nodes = (NodeList) XPathFactory.newInstance().newXPath().evaluate(expression, document, XPathConstants.NODESET);
        Set<String> artifacts = new TreeSet<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            Element element = (Element) nodes.item(i);
            artifacts.add(text(element, "groupId") + ":" + text(element, "artifactId"));
        }
        return artifacts;
    }

    private static String text(Element parent, String child) {
        return parent.getElementsByTagName(child).item(0).getTextContent().trim();
    }
}
