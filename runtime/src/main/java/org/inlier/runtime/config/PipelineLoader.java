package org.inlier.runtime.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads pipeline files (YAML or JSON) into a tree, reporting syntax errors with their line.
 * Validation against the plugins is {@link PipelineValidator}'s job.
 */
public final class PipelineLoader {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    private PipelineLoader() {
    }

    /**
     * Parses a pipeline file.
     *
     * @throws PipelineException if the file is missing or not valid YAML / JSON
     */
    public static JsonNode read(Path file) {
        try {
            return parse(Files.readString(file), file.getFileName().toString(), file.toString());
        } catch (NoSuchFileException e) {
            throw new PipelineException(file.toString(), List.of(new ConfigProblem("", "file not found: " + file.toAbsolutePath())));
        } catch (IOException e) {
            throw new PipelineException(file.toString(), List.of(new ConfigProblem("", "cannot read: " + e.getMessage())));
        }
    }

    /**
     * Parses pipeline text.
     *
     * @param text        the content
     * @param fileName    decides the format: {@code .json} is JSON, anything else YAML
     * @param displayName how errors name the file
     */
    public static JsonNode parse(String text, String fileName, String displayName) {
        ObjectMapper mapper = fileName.endsWith(".json") ? JSON : YAML;
        try {
            JsonNode root = mapper.readTree(text);
            if (root == null || !root.isObject()) {
                throw new PipelineException(displayName, List.of(new ConfigProblem("", "expected a mapping of pipeline fields at the top level")));
            }
            return root;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ": ";
            throw new PipelineException(displayName, List.of(new ConfigProblem("", where + e.getOriginalMessage())));
        }
    }
}
