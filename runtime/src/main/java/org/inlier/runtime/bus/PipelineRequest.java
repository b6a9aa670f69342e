package org.inlier.runtime.bus;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.inlier.runtime.config.PipelineLoader;

/**
 * The pipeline named by a bus request: a file path ({@code file}) or inline text ({@code text}
 * with a {@code name} ending in .yaml or .json).
 *
 * @param tree        the parsed pipeline
 * @param displayName how errors name it
 * @param defaultName the pipeline name when the file sets none (the file name without extension)
 */
record PipelineRequest(JsonNode tree, String displayName, String defaultName) {

    static PipelineRequest of(JsonObject body) {
        if (body == null) {
            throw new IllegalArgumentException("the request needs 'file' or 'text'");
        }
        if (body.getString("file") != null) {
            Path file = Path.of(body.getString("file"));
            return new PipelineRequest(PipelineLoader.read(file), body.getString("file"), baseName(file.getFileName().toString()));
        }
        if (body.getString("text") != null) {
            String name = body.getString("name", "pipeline.yaml");
            return new PipelineRequest(PipelineLoader.parse(body.getString("text"), name, name), name, baseName(name));
        }
        throw new IllegalArgumentException("the request needs 'file' or 'text'");
    }

    private static String baseName(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) : fileName;
    }
}
