package nl.regie.launcher.testplugin;

/**
 * A DS component whose activation always fails. {@code LauncherIT} packs this class into a bundle of its own
 * (with a component description) to check that the failure reaches the console with the bundle's name.
 */
public class FailingComponent {

    /** Called by SCR; throws, as a plugin with a broken configuration would. */
    public void activate() {
        throw new IllegalStateException("boom: the test plugin cannot start");
    }
}
