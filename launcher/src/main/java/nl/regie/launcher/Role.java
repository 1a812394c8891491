package nl.regie.launcher;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import nl.regie.launcher.LauncherOptions.UsageException;

/**
 * What this runtime does for its site ({@code --role}): everything (one runtime), or one side of a site whose device
 * ingest is split over several runtimes on one external broker (docs/scaling.md).
 */
enum Role {
    /** One runtime takes the devices and runs the plugins: the default. */
    ALL,
    /** Runs the plugins and keeps the city state; takes the devices' telemetry from its edges, presence and answers from the devices. */
    CORE,
    /** Takes a share of the devices' telemetry, checks it and forwards it to the core; no plugins, no city state, no HTTP; its configuration from the config folder. */
    EDGE;

    /** The parts an edge leaves out: all but the device bridge and the config folder (and the runtime's core bundle, see {@link #leftOut}). */
    static final Set<Part> EDGE_WITHOUT = EnumSet.complementOf(EnumSet.of(Part.DEVICES, Part.CONFIG));

    /** The value of the framework property {@code regie.role}, or null for {@link #ALL}. */
    String property() {
        return this == ALL ? null : name().toLowerCase(Locale.ROOT);
    }

    /** The shipped bundles this role leaves out beyond the parts: an edge has no bus and no city state. */
    Set<String> leftOut() {
        return this == EDGE ? Set.of("nl.regie.runtime.core") : Set.of();
    }

    /**
     * The role a setting names: {@code edge} or {@code core} ({@code all} too); absent: {@link #ALL}.
     *
     * @throws UsageException naming the setting and the roles there are
     */
    static Role parse(Setting setting) throws UsageException {
        if (setting == null) {
            return ALL;
        }
        String name = setting.value().trim().toUpperCase(Locale.ROOT);
        for (Role role : values()) {
            if (role.name().equals(name)) {
                return role;
            }
        }
        throw new UsageException(setting.origin() + ": '" + setting.value() + "' is not a role; the roles are "
                + Arrays.stream(values()).map(r -> r.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
    }
}
