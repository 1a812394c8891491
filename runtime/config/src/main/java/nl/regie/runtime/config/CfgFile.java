package nl.regie.runtime.config;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * One {@code <pid>.cfg} file read as Java properties in UTF-8: its keys in the order the file has them, each value
 * stripped of surrounding white space. A key set twice, invalid UTF-8 or a malformed {@code \\uXXXX} escape make the
 * file malformed: guessing which line was meant would apply something nobody wrote.
 *
 * @param values the keys and their values, in file order
 */
record CfgFile(Map<String, String> values) {

    /** The largest file read; a configuration is a few lines, anything far larger is a mistake. */
    static final int MAX_BYTES = 1 << 20;

    /** A file that is not a valid properties file; the message says why. */
    static final class MalformedException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedException(String message) {
            super(message);
        }
    }

    CfgFile {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** The PID a file name stands for ({@code nl.regie.waste.cfg}: {@code nl.regie.waste}), or null if it is no {@code .cfg} file. */
    static String pidOf(String fileName) {
        if (!fileName.endsWith(".cfg") || fileName.startsWith(".") || fileName.length() == ".cfg".length()) {
            return null;
        }
        return fileName.substring(0, fileName.length() - ".cfg".length());
    }

    /** Reads a file's content. */
    static CfgFile parse(byte[] content) throws MalformedException {
        if (content.length > MAX_BYTES) {
            throw new MalformedException("the file has " + content.length + " bytes, more than the " + MAX_BYTES
                    + " a configuration file may have");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(content)).toString();
        } catch (CharacterCodingException e) {
            throw new MalformedException("the file is not valid UTF-8");
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1); // a byte order mark, as some Windows editors write
        }
        OrderedProperties properties = new OrderedProperties();
        try {
            properties.load(new StringReader(text));
        } catch (IOException | IllegalArgumentException e) {
            throw new MalformedException("the file is not a valid properties file: " + e.getMessage());
        }
        if (!properties.duplicates.isEmpty()) {
            throw new MalformedException((properties.duplicates.size() == 1 ? "key " : "keys ")
                    + String.join(", ", properties.duplicates) + " set more than once");
        }
        return new CfgFile(properties.ordered);
    }

    /** Properties that remember the order of their keys, and which keys came twice. */
    private static final class OrderedProperties extends Properties {
        private static final long serialVersionUID = 1L;

        private final Map<String, String> ordered = new LinkedHashMap<>();
        private final List<String> duplicates = new ArrayList<>();

        @Override
        public synchronized Object put(Object key, Object value) {
            String k = (String) key;
            if (ordered.put(k, ((String) value).strip()) != null && !duplicates.contains(k)) {
                duplicates.add(k);
            }
            return super.put(key, value);
        }
    }
}
