package org.inlier.runtime.osgi;

import java.net.URL;
import org.inlier.api.plugin.Plugin;
import org.inlier.api.plugin.PluginKind;
import org.osgi.framework.Bundle;

/**
 * One line of a bundle's {@code META-INF/services/<SPI>} file: a plugin class to instantiate.
 *
 * @param kind      the SPI the file is named after
 * @param className the class the line names
 * @param file      the services file, for problem reports
 */
record ServiceEntry(PluginKind kind, String className, URL file) {

    /**
     * Loads the class with the bundle's class loader and instantiates it, as {@link java.util.ServiceLoader}
     * would on a class path: through its public no-argument constructor.
     *
     * @throws ReflectiveOperationException if the class is missing or cannot be instantiated
     * @throws ClassCastException           if it does not implement the SPI
     */
    Plugin instantiate(Bundle bundle) throws ReflectiveOperationException {
        Class<?> type = bundle.loadClass(className);
        if (!kind.serviceType().isAssignableFrom(type)) {
            throw new ClassCastException(className + " does not implement " + kind.serviceType().getName());
        }
        return (Plugin) type.getConstructor().newInstance();
    }

    /** Where the entry is written, e.g. {@code bundle://12.0:1/META-INF/services/...: com.example.Foo}. */
    @Override
    public String toString() {
        return file + ": " + className;
    }
}
