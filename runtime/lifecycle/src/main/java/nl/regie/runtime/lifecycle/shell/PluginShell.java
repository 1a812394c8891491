package nl.regie.runtime.lifecycle.shell;

/**
 * The Gogo commands {@code regie:list|status|history|install|update|rollback|remove}, as the service Gogo calls by
 * name (see {@link PluginCommands}). Each returns the text Gogo prints.
 */
public interface PluginShell {

    /** Every plugin, one line each. */
    String list();

    /** One plugin: version, state, health, previous version, last outcome. */
    String status(String symbolicName);

    /** One plugin's operations, newest first. */
    String history(String symbolicName);

    /** Installs a plugin from a jar file. */
    String install(String jar);

    /** Updates the plugin that a jar file holds. */
    String update(String jar);

    /** Updates a named plugin from a jar file. */
    String update(String symbolicName, String jar);

    /** Rolls a plugin back to its previous version. */
    String rollback(String symbolicName);

    /** Removes a plugin. */
    String remove(String symbolicName);
}
