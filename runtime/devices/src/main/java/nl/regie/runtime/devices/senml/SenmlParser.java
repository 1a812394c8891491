package nl.regie.runtime.devices.senml;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;

/**
 * A strict parser of SenML JSON packs (RFC 8428). A pack is parsed and resolved whole: the first violation of a rule
 * refuses it, with a message naming the record and the field.
 *
 * <p>Instances hold no state between calls and may be shared by any number of threads.
 */
public final class SenmlParser {

    private final SenmlLimits limits;
    private final JsonFactory json;
    private final SenmlUnits units;

    /**
     * A parser with the given bounds.
     *
     * @param limits the largest payload and pack accepted
     */
    public SenmlParser(SenmlLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits are required");
        // Field names come from devices: keep them out of the factory's shared symbol table, which would otherwise
        // grow with whatever labels the devices invent.
        this.json = JsonFactory.builder().disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES).build();
        this.units = new SenmlUnits(limits.extraUnits());
    }

    /**
     * Parses and resolves a whole pack; throws on the first violation, so a bad pack is rejected whole.
     *
     * @param payload    the SenML JSON pack
     * @param receivedAt when the pack arrived: relative times count from it and records without time get it
     * @return the resolved records, in pack order; never empty
     * @throws SenmlException with the reason the pack is refused
     */
    public List<SenmlRecord> parse(byte[] payload, Instant receivedAt) throws SenmlException {
        Objects.requireNonNull(payload, "payload is required");
        Objects.requireNonNull(receivedAt, "receivedAt is required");
        if (payload.length > limits.maxPayloadBytes()) {
            throw new SenmlException("payload of " + payload.length + " bytes exceeds the limit of "
                    + limits.maxPayloadBytes() + " bytes");
        }
        CharBuffer text = decode(payload);
        try (JsonParser parser = json.createParser(text.array(), text.arrayOffset() + text.position(),
                text.remaining())) {
            List<SenmlRecord> records = readPack(parser, new PackResolver(receivedAt, units));
            requireEnd(parser);
            return List.copyOf(records);
        } catch (JsonProcessingException e) {
            throw new SenmlException("payload is not valid JSON " + located(e), e);
        } catch (IOException e) {
            throw new SenmlException("payload cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * The payload as text. Jackson's own decoding would turn a malformed sequence into U+FFFD, so a device's bytes
     * would reach the bus changed; a decoder that reports them refuses the pack instead.
     */
    private static CharBuffer decode(byte[] payload) throws SenmlException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(payload);
        CharBuffer out = CharBuffer.allocate(payload.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isUnderflow()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            throw new SenmlException("payload is not valid UTF-8: " + result.length() + " malformed byte(s) at offset "
                    + in.position() + "; SenML JSON is UTF-8 (RFC 8428 §5, RFC 8259 §8.1)");
        }
        return out.flip();
    }

    private List<SenmlRecord> readPack(JsonParser parser, PackResolver resolver) throws IOException, SenmlException {
        JsonToken start = parser.nextToken();
        if (start == null) {
            throw new SenmlException("payload is empty; a SenML pack is a JSON array of records");
        }
        if (start != JsonToken.START_ARRAY) {
            throw new SenmlException("a SenML pack must be a JSON array of records, found "
                    + RecordReader.describe(start));
        }
        List<SenmlRecord> records = new ArrayList<>();
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
            int index = records.size();
            if (index == limits.maxRecords()) {
                throw new SenmlException("pack has more than " + limits.maxRecords() + " records");
            }
            if (token != JsonToken.START_OBJECT) {
                throw SenmlException.inRecord(index, "expected a JSON object, found " + RecordReader.describe(token));
            }
            records.add(resolver.resolve(readRecord(parser, index)));
        }
        if (records.isEmpty()) {
            throw new SenmlException("pack is empty; a SenML pack holds at least one record");
        }
        return records;
    }

    private static RawRecord readRecord(JsonParser parser, int index) throws SenmlException {
        try {
            return RecordReader.read(parser, index);
        } catch (JsonProcessingException e) {
            throw new SenmlException("record " + index + ": not valid JSON " + located(e), e);
        } catch (IOException e) {
            throw new SenmlException("record " + index + ": cannot be read: " + e.getMessage(), e);
        }
    }

    private static void requireEnd(JsonParser parser) throws SenmlException {
        JsonToken after;
        try {
            after = parser.nextToken();
        } catch (IOException e) {
            after = JsonToken.NOT_AVAILABLE;
        }
        if (after != null) {
            JsonLocation at = parser.currentLocation();
            throw new SenmlException("trailing content after the pack at line " + at.getLineNr() + ", column "
                    + at.getColumnNr());
        }
    }

    /** Where and why the JSON is malformed, without Jackson's hints on how to configure Jackson. */
    private static String located(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String position = at == null ? "" : "at line " + at.getLineNr() + ", column " + at.getColumnNr();
        String reason = String.valueOf(e.getOriginalMessage()).replaceAll(": enable `[^`]*` to allow", "");
        return position + ": " + reason;
    }
}
