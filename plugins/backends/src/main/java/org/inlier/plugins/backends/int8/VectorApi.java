package org.inlier.plugins.backends.int8;

import java.util.function.Supplier;

/**
 * The one decision, made where each kernel's class loads, between an implementation on the JDK's
 * incubating Vector API and its plain-Java fallback: the vector one if the JVM was started with
 * {@code --add-modules jdk.incubator.vector} (bin/inlier, the build's compiler and Surefire do)
 * and the module is visible to this class's loader (an OSGi framework may hide it).
 */
final class VectorApi {

    private static final String MODULE = "jdk.incubator.vector";

    /** The implementation taken, and why, for the log. */
    record Choice<T>(T implementation, String reason) {
    }

    private VectorApi() {
    }

    /**
     * @param vector builds the Vector API implementation; only called when the module is present
     *               (a lambda, not a constructor reference, so that its class links inside the try)
     * @param scalar builds the fallback
     */
    static <T> Choice<T> choose(Supplier<T> vector, Supplier<T> scalar) {
        if (ModuleLayer.boot().findModule(MODULE).isEmpty()) {
            return new Choice<>(scalar.get(), MODULE + " absent; start java with --add-modules " + MODULE);
        }
        try {
            return new Choice<>(vector.get(), MODULE + " present");
        } catch (LinkageError e) {
            return new Choice<>(scalar.get(), MODULE + " not visible to this class loader: " + e);
        }
    }
}
