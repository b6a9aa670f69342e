package org.inlier.runtime.plugins;

/**
 * A plugin that could not be loaded, kept as a value so every problem is reported and the
 * other plugins still load.
 *
 * @param source  the JAR or class path the plugin came from
 * @param message what went wrong, naming the class or id
 * @param cause   the underlying exception, or {@code null}
 */
public record PluginProblem(PluginSource source, String message, Throwable cause) {

    @Override
    public String toString() {
        String why = cause == null ? "" : ": " + rootMessage(cause);
        return source + ": " + message + why;
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : " " + root.getMessage());
    }
}
