package org.inlier.shell;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** A pipeline named on the command line, or the embedded quickstart when none is. */
public final class PipelineArgument {

    /** The quickstart pipeline shipped inside the CLI. */
    static final String QUICKSTART = "quickstart.yaml";

    private PipelineArgument() {
    }

    /** The bus request body naming the pipeline: the file's absolute path, or the quickstart's text for {@code null}. */
    public static JsonObject request(Path file) {
        if (file != null) {
            return new JsonObject().put("file", file.toAbsolutePath().toString());
        }
        return new JsonObject().put("text", quickstart()).put("name", QUICKSTART);
    }

    /** The pipeline's name as a user sees it. */
    static String displayName(Path file) {
        return file == null ? "quickstart (embedded)" : file.toString();
    }

    static String quickstart() {
        try (InputStream in = PipelineArgument.class.getResourceAsStream("/" + QUICKSTART)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("the embedded quickstart pipeline is missing", e);
        }
    }
}
