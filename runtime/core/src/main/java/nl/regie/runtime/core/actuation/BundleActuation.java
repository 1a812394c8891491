package nl.regie.runtime.core.actuation;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

import nl.regie.api.actuation.Actuation;
import nl.regie.api.actuation.Command;
import nl.regie.api.actuation.CommandResult;
import nl.regie.runtime.core.scope.ScopeGuard;
import nl.regie.runtime.core.scope.Scopes;
import nl.regie.runtime.spi.actuation.Commands;

import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * {@link Actuation} as one bundle sees it: commands are sent on the bundle's behalf (audited under its symbolic
 * name and party), and a command on an entity type outside the plugin's declared scope ends REJECTED at once, with
 * a reason naming the plugin and the type. The runtime's own bundle is unrestricted.
 */
@Component(scope = ServiceScope.BUNDLE, service = Actuation.class)
public final class BundleActuation implements Actuation {

    private final Commands commands;
    private final ScopeGuard guard;
    private final String actor;

    /** The actuation of the bundle that gets the service. */
    @Activate
    public BundleActuation(@Reference Commands commands, @Reference Scopes scopes, ComponentContext context) {
        this(commands, scopes.forBundle(context.getUsingBundle()), context.getUsingBundle().getSymbolicName());
    }

    /** The actuation of a plugin with a given guard, outside a framework (the test kit, tests). */
    public static BundleActuation of(Commands commands, ScopeGuard guard, String actor) {
        return new BundleActuation(commands, guard, actor);
    }

    BundleActuation(Commands commands, ScopeGuard guard, String actor) {
        this.commands = commands;
        this.guard = guard;
        this.actor = actor;
    }

    @Override
    public CompletionStage<CommandResult> send(Command command) {
        String party = guard.isUnrestricted() ? "" : guard.party();
        String refusal = guard.commandRefusal(command);
        if (refusal != null) {
            return commands.reject(actor, party, command, refusal);
        }
        return commands.send(actor, party, command);
    }

    @Override
    public Optional<CommandResult> status(String commandId) {
        return commands.status(commandId);
    }
}
