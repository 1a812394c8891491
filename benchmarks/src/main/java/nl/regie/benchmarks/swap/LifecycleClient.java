package nl.regie.benchmarks.swap;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.time.Duration;

import nl.regie.benchmarks.EmbeddedRegie;

import org.osgi.framework.ServiceReference;

/**
 * The runtime's {@code nl.regie.runtime.spi.lifecycle.PluginLifecycle} service, called from outside the framework.
 * The runtime exports none of its packages, so the benchmark cannot share that interface's class with it; it
 * calls the service through the interface as the runtime bundle loads it, by reflection. A call costs a few
 * microseconds more than a direct one, nothing beside an update.
 */
final class LifecycleClient {

    /** The service's interface. */
    static final String SERVICE = "nl.regie.runtime.spi.lifecycle.PluginLifecycle";

    /** What an update or install came to: the fields of the runtime's {@code Outcome} the benchmark reports. */
    record Result(String result, String toVersion, String reason, long held, long dropped, Duration gap) {
    }

    /** The lifecycle refused the operation ({@code LifecycleException}); nothing was changed. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Object service;
    private final Method install;
    private final Method update;

    /** The client of the service behind this reference. */
    LifecycleClient(EmbeddedRegie framework, ServiceReference<?> reference) throws ReflectiveOperationException {
        Class<?> type = reference.getBundle().loadClass(SERVICE);
        this.service = framework.context().getService(reference);
        this.install = type.getMethod("install", Path.class, String.class);
        this.update = type.getMethod("update", String.class, Path.class, String.class);
    }

    /** {@code PluginLifecycle.install(jar, origin)}. */
    Result install(Path jar, String origin) throws Refused {
        return result(call(install, jar, origin));
    }

    /** {@code PluginLifecycle.update(symbolicName, jar, origin)}. */
    Result update(String symbolicName, Path jar, String origin) throws Refused {
        return result(call(update, symbolicName, jar, origin));
    }

    private Object call(Method method, Object... arguments) throws Refused {
        try {
            return method.invoke(service, arguments);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause.getClass().getName().equals("nl.regie.runtime.spi.lifecycle.LifecycleException")) {
                throw new Refused(property(cause, "reason") + ": " + cause.getMessage(), cause);
            }
            throw new IllegalStateException("PluginLifecycle." + method.getName() + " failed: " + cause, cause);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Result result(Object outcome) {
        return new Result(String.valueOf(property(outcome, "result")), (String) property(outcome, "toVersion"),
                (String) property(outcome, "reason"), (Long) property(outcome, "held"),
                (Long) property(outcome, "dropped"), (Duration) property(outcome, "gap"));
    }

    private static Object property(Object target, String accessor) {
        try {
            return target.getClass().getMethod(accessor).invoke(target);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + accessor + " of " + target.getClass().getName() + ": " + e, e);
        }
    }
}
