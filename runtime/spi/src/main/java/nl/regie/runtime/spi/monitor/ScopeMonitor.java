package nl.regie.runtime.spi.monitor;

import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What the runtime refused a plugin for acting outside its declared scope or the operator's grants, for the lifecycle's
 * health gate: a new version whose listener, driver or notifier was refused would pass every other check and then
 * miss the readings or commands it exists for.
 */
@ProviderType
public interface ScopeMonitor {

    /**
     * Every refusal of a plugin (all its versions) since the runtime started, per kind: {@code publish},
     * {@code subscribe}, {@code actuate}, {@code declare} (a scope declaration the runtime could not read), or a
     * service that was ignored: {@code drives}, {@code notifies}, {@code serves}. The counts only grow, so what a new
     * version was refused is the difference from the counts taken before it started. Empty if it had none.
     */
    Map<String, Long> refusalsOf(String symbolicName);
}
