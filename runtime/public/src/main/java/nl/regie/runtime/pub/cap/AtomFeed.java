package nl.regie.runtime.pub.cap;

import java.time.Instant;
import java.util.List;

/**
 * The public alerts as an Atom feed (RFC 4287) in the way of the OASIS CAP feed practice: one entry per alert, its
 * latest CAP message, linked by URL and embedded as the entry's content.
 */
public final class AtomFeed {

    /** The media type of the feed. */
    public static final String MEDIA_TYPE = "application/atom+xml";

    private AtomFeed() {
    }

    /**
     * The feed.
     *
     * @param messages the latest message of each alert, newest first
     * @param base     the absolute URL of {@code /public/alerts}, without a trailing slash
     * @param site     the site, in the feed's id and title
     * @param now      when the feed is made, its {@code updated} when there is no message
     */
    public static String write(List<CapMessage> messages, String base, String site, Instant now) {
        Instant updated = messages.isEmpty() ? now : messages.get(0).sent();
        StringBuilder out = new StringBuilder(4096);
        out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n")
                .append("  <id>urn:regie:").append(CapText.xml(site)).append(":public-alerts</id>\n")
                .append("  <title>Public warnings, ").append(CapText.xml(site)).append("</title>\n")
                .append("  <updated>").append(CapText.time(updated)).append("</updated>\n")
                .append("  <author><name>Regie ").append(CapText.xml(site)).append("</name></author>\n")
                .append("  <link rel=\"self\" type=\"").append(MEDIA_TYPE).append("\" href=\"")
                .append(CapText.xml(base)).append(".atom\"/>\n");
        for (CapMessage m : messages) {
            String url = base + "/" + m.identifier() + ".xml";
            out.append("  <entry>\n    <id>urn:regie:cap:").append(CapText.xml(m.identifier())).append("</id>\n")
                    .append("    <title>").append(CapText.xml(m.headline())).append("</title>\n")
                    .append("    <updated>").append(CapText.time(m.sent())).append("</updated>\n")
                    .append("    <summary>").append(CapText.xml(m.description())).append("</summary>\n")
                    .append("    <link rel=\"alternate\" type=\"").append(CapXml.MEDIA_TYPE).append("\" href=\"")
                    .append(CapText.xml(url)).append("\"/>\n")
                    .append("    <content type=\"").append(CapXml.MEDIA_TYPE).append("\">\n")
                    .append(CapXml.element(m, url))
                    .append("    </content>\n  </entry>\n");
        }
        return out.append("</feed>\n").toString();
    }
}
