package nl.regie.runtime.pub.cap;


/** A {@link CapMessage} as an OASIS CAP 1.2 document, its elements in the order the schema requires. */
public final class CapXml {

    /** The CAP 1.2 namespace. */
    public static final String NAMESPACE = "urn:oasis:names:tc:emergency:cap:1.2";
    /** The media type of a CAP document. */
    public static final String MEDIA_TYPE = "application/cap+xml";

    private CapXml() {
    }

    /** The message as a CAP 1.2 document. */
    public static String document(CapMessage m, String web) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + element(m, web);
    }

    /** The message as a CAP 1.2 {@code alert} element (for embedding in an Atom entry). */
    static String element(CapMessage m, String web) {
        StringBuilder out = new StringBuilder(2048);
        out.append("<alert xmlns=\"").append(NAMESPACE).append("\">\n");
        tag(out, 1, "identifier", m.identifier());
        tag(out, 1, "sender", m.sender());
        tag(out, 1, "sent", CapText.time(m.sent()));
        tag(out, 1, "status", "Actual");
        tag(out, 1, "msgType", m.msgType());
        tag(out, 1, "scope", "Public");
        if (!m.references().isEmpty()) {
            tag(out, 1, "references", String.join(" ", m.references()));
        }
        out.append("  <info>\n");
        tag(out, 2, "language", "en-GB");
        tag(out, 2, "category", m.category());
        tag(out, 2, "event", m.event());
        tag(out, 2, "urgency", m.urgency());
        tag(out, 2, "severity", m.severity());
        tag(out, 2, "certainty", m.certainty());
        tag(out, 2, "effective", CapText.time(m.effective()));
        if (m.expires() != null) {
            tag(out, 2, "expires", CapText.time(m.expires()));
        }
        tag(out, 2, "senderName", "Regie " + m.sender());
        tag(out, 2, "headline", m.headline());
        tag(out, 2, "description", m.description());
        if (!m.instruction().isEmpty()) {
            tag(out, 2, "instruction", m.instruction());
        }
        if (web != null) {
            tag(out, 2, "web", web);
        }
        out.append("    <area>\n");
        tag(out, 3, "areaDesc", m.area().description());
        tag(out, 3, "circle", CapText.circle(m.area().center(), m.area().radiusMetres()));
        out.append("    </area>\n  </info>\n</alert>\n");
        return out.toString();
    }

    private static void tag(StringBuilder out, int depth, String name, String value) {
        out.append("  ".repeat(depth)).append('<').append(name).append('>').append(CapText.xml(value)).append("</")
                .append(name).append(">\n");
    }
}
