package org.inlier.runtime.config;

/**
 * One error in a pipeline file.
 *
 * @param path    the field path, e.g. {@code stages[2].quantize.activations.bits}
 * @param message what is wrong and what is allowed
 */
public record ConfigProblem(String path, String message) {

    @Override
    public String toString() {
        return path.isEmpty() ? message : path + ": " + message;
    }
}
