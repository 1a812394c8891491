package nl.regie.runtime.ngsild.subscription;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import nl.regie.runtime.ngsild.ld.Contexts;
import nl.regie.runtime.statefiles.Decoder;
import nl.regie.runtime.statefiles.Encoder;
import nl.regie.runtime.statefiles.StateFiles;

/**
 * The subscriptions on disk, in {@code <state dir>/ngsild/subscriptions}, in the house's crash-safe snapshots and
 * journals ({@link StateFiles}: a CRC32C per record, a torn tail dropped, a damaged snapshot refused for the one
 * before it): a record {@code 1, json} when a subscription is made or changed ({@link SubscriptionJson#stored}, its
 * subscriber with it), {@code 2, id} when it is deleted; a snapshot holds one {@code 1} record per subscription. The
 * notification counters are not kept: they count from each start.
 */
public final class SubscriptionFiles implements StateFiles.Owner, Subscriptions.Store, AutoCloseable {

    /** The version of the records below. */
    static final int SCHEMA = 1;
    private static final int PUT = 1;
    private static final int REMOVE = 2;

    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private final Contexts contexts;
    private final Map<String, String> stored = new LinkedHashMap<>();
    private final Encoder encoder = new Encoder();
    private StateFiles files;

    private SubscriptionFiles(Contexts contexts) {
        this.contexts = contexts;
    }

    /**
     * Opens the folder and reads back what it holds.
     *
     * @param problems told of each subscription that does not read back (it is left out) and each damaged file
     * @return the files, and in {@link #loaded} the subscriptions read back
     */
    public static SubscriptionFiles open(Path folder, Contexts contexts, StateFiles.Log log,
            Consumer<String> problems) throws IOException {
        SubscriptionFiles owner = new SubscriptionFiles(contexts);
        synchronized (owner) {
            owner.files = StateFiles.open(folder, "the NGSI-LD subscriptions", SCHEMA, owner, log);
            StateFiles.Recovery recovery = owner.files.recover();
            recovery.problems().forEach(problems);
        }
        return owner;
    }

    /** The subscriptions read back at open; one that does not read back is reported and left out. */
    public synchronized List<Subscription> loaded(Consumer<String> problems) {
        List<Subscription> result = new ArrayList<>();
        for (Map.Entry<String, String> e : stored.entrySet()) {
            try {
                result.add(SubscriptionJson.fromStored(e.getValue(), contexts));
            } catch (IllegalArgumentException ex) {
                problems.accept("subscription " + e.getKey() + " left out: " + ex.getMessage());
            }
        }
        return result;
    }

    @Override
    public synchronized void put(Subscription subscription) {
        String json = SubscriptionJson.stored(subscription, contexts);
        stored.put(subscription.id(), json);
        files.append(encoder.reset().writeByte(PUT).writeString(json));
    }

    @Override
    public synchronized void remove(String id) {
        stored.remove(id);
        files.append(encoder.reset().writeByte(REMOVE).writeString(id));
    }

    @Override
    public synchronized void close() {
        files.close();
    }

    @Override
    public void clear() {
        stored.clear();
    }

    @Override
    public void snapshotRecord(Decoder record) {
        journalRecord(record);
    }

    @Override
    public void journalRecord(Decoder record) {
        int kind = record.readByte();
        String text = record.readString();
        if (kind == PUT) {
            stored.put(idOf(text), text);
        } else if (kind == REMOVE) {
            stored.remove(text);
        } else {
            throw new IllegalArgumentException("unknown subscription record kind " + kind);
        }
    }

    private static String idOf(String json) {
        try {
            return MAPPER.readTree(json).path("id").asText();
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("a subscription record is not JSON: " + e.getMessage(), e);
        }
    }

    @Override
    public StateFiles.Snapshot capture() {
        List<String> all = new ArrayList<>(stored.values());
        return out -> {
            Encoder e = new Encoder();
            for (String json : all) {
                out.write(e.reset().writeByte(PUT).writeString(json));
            }
        };
    }
}
