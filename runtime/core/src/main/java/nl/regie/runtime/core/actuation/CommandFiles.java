package nl.regie.runtime.core.actuation;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import nl.regie.api.actuation.Command;
import nl.regie.api.actuation.CommandResult;
import nl.regie.api.actuation.CommandState;
import nl.regie.api.model.Value;
import nl.regie.runtime.core.persist.Records;
import nl.regie.runtime.statefiles.Decoder;
import nl.regie.runtime.statefiles.Encoder;
import nl.regie.runtime.statefiles.StateFiles;

/**
 * The commands on disk, in {@code <state dir>/commands}: a command in progress as an {@code S} record (the command,
 * who sent it for which party, when it was accepted), an ended one as a {@code D} record (its final result and who
 * sent it; schema 1 wrote {@code E} records, without the sender, and they are still read). A
 * snapshot holds the commands the tracker keeps, in the order they came; the journal each start and end as it
 * happens, so {@code GET /api/commands/{id}} answers after a restart, and a command in progress at a crash is ended
 * then ({@link CommandRouter#endRestored}).
 */
final class CommandFiles implements StateFiles.Owner {

    /** The version of the records below: 2 added the {@code D} record (an ended command with its sender). */
    static final int SCHEMA = 2;

    private final CommandTracker tracker;
    private final Encoder encoder = new Encoder();
    private StateFiles files;

    CommandFiles(CommandTracker tracker) {
        this.tracker = tracker;
    }

    /** Loads the folder into the tracker, then journals every start and end. */
    StateFiles.Recovery open(Path folder, StateFiles.Log log) throws IOException {
        files = StateFiles.open(folder, "the commands", SCHEMA, this, log);
        StateFiles.Recovery recovery = files.recover();
        tracker.journal(new CommandTracker.Journal() {
            @Override
            public void started(CommandTracker.Pending pending) {
                files.append(write(encoder.reset(), pending));
            }

            @Override
            public void ended(CommandResult result, String actor) {
                files.append(write(encoder.reset(), new CommandTracker.Ended(result, actor)));
            }
        });
        return recovery;
    }

    /** Writes a last snapshot and closes the files. */
    void close() {
        synchronized (tracker) {
            files.close();
        }
    }

    @Override
    public void clear() {
        tracker.clear();
    }

    @Override
    public void snapshotRecord(Decoder in) {
        journalRecord(in);
    }

    @Override
    public void journalRecord(Decoder in) {
        int tag = in.readByte();
        switch (tag) {
            case 'S' -> tracker.restore(readPending(in));
            case 'D' -> tracker.restore(readResult(in), in.readString());
            case 'E' -> tracker.restore(readResult(in), "");
            default -> throw new IllegalArgumentException("unknown command record tag " + tag);
        }
    }

    @Override
    public StateFiles.Snapshot capture() {
        List<Object> commands = tracker.capture();
        return out -> {
            Encoder e = new Encoder();
            for (Object command : commands) {
                e.reset();
                out.write(command instanceof CommandTracker.Pending p ? write(e, p) : write(e, (CommandTracker.Ended) command));
            }
        };
    }

    static Encoder write(Encoder out, CommandTracker.Pending pending) {
        Command c = pending.command();
        out.writeByte('S').writeString(c.id());
        Records.writeEntityId(out, c.target());
        out.writeString(c.action()).writeInt(c.parameters().size());
        for (Map.Entry<String, Value> parameter : c.parameters().entrySet()) {
            out.writeString(parameter.getKey());
            Records.writeValue(out, parameter.getValue());
        }
        out.writeInstant(c.deadline()).writeString(pending.actor()).writeString(pending.party())
                .writeInstant(pending.accepted().at());
        return out;
    }

    static Encoder write(Encoder out, CommandTracker.Ended ended) {
        CommandResult result = ended.result();
        return out.writeByte('D').writeString(result.commandId()).writeString(result.state().name())
                .writeString(result.reason()).writeInstant(result.at()).writeString(ended.actor());
    }

    private static CommandTracker.Pending readPending(Decoder in) {
        String id = in.readString();
        var target = Records.readEntityId(in);
        String action = in.readString();
        int count = in.readInt();
        if (count < 0) {
            throw new IllegalArgumentException("a command with " + count + " parameters");
        }
        Map<String, Value> parameters = new HashMap<>();
        for (int i = 0; i < count; i++) {
            parameters.put(in.readString(), Records.readValue(in));
        }
        Command command = new Command(id, target, action, parameters, in.readInstant());
        String actor = in.readString();
        String party = in.readString();
        CommandResult accepted = new CommandResult(id, CommandState.ACCEPTED, "", in.readInstant());
        return new CommandTracker.Pending(command, actor, party, accepted);
    }

    private static CommandResult readResult(Decoder in) {
        return new CommandResult(in.readString(), CommandState.valueOf(in.readString()), in.readString(),
                in.readInstant());
    }
}
