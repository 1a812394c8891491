package nl.regie.mqtt.access;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One Mosquitto ACL file shared by several generators (the federation's sites, each site's edges): each writes its own
 * section, between {@code # >>> regie {name}} and {@code # <<< regie {name}}, and leaves the rest of the file as it
 * was, so a broker that serves both reads one {@code acl_file} with all of them. A second write of a section replaces
 * it; lines outside every section (an operator's own) stay.
 */
final class AclSections {

    private AclSections() {
    }

    /** {@code text} with section {@code name} holding {@code body}: replaced where it was, else added at the end. */
    static String with(String text, String name, String body) {
        String begin = "# >>> regie " + name + "\n";
        String end = "# <<< regie " + name + "\n";
        String section = begin + (body.endsWith("\n") ? body : body + "\n") + end;
        int from = text.startsWith(begin) ? 0 : text.indexOf("\n" + begin) + 1;
        if (from > 0 || text.startsWith(begin)) {
            int to = text.indexOf(end, from);
            if (to < 0) {
                throw new IllegalArgumentException("the ACL's section '" + name + "' has no end line (" + end.strip()
                        + "); mend the file or delete it");
            }
            return text.substring(0, from) + section + text.substring(to + end.length());
        }
        if (text.isEmpty()) {
            return section;
        }
        return text + (text.endsWith("\n") ? "\n" : "\n\n") + section;
    }

    /** Writes section {@code name} of the ACL file {@code file} (created if missing), whole ({@link AtomicFile}). */
    static void write(Path file, String name, String body) throws IOException {
        String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        AtomicFile.write(file, with(text, name, body));
    }
}
