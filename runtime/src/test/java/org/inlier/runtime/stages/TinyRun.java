package org.inlier.runtime.stages;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.inlier.runtime.config.PipelineConfig;
import org.inlier.runtime.config.PipelineLoader;
import org.inlier.runtime.config.PipelineValidator;
import org.inlier.runtime.plugins.PluginDiscovery;
import org.inlier.runtime.plugins.PluginRegistry;

/** A run of a tiny model on generated text, in process, with its events kept. */
final class TinyRun {

    static final PluginRegistry PLUGINS = PluginDiscovery.discover(null);

    /** The model and data every tiny run shares; stages follow. */
    private static final String HEADER = """
            seed: 5
            model: { family: decoder-clm, layers: 1, hidden: 16, heads: 2, ffn: 32, seq: 8 }
            data: { set: text-file, path: "%s" }
            backend: { id: nd4j-cpu, threads: 1 }
            """;

    final RunContext context;
    final List<Map.Entry<String, Map<String, Object>>> events = new ArrayList<>();

    /**
     * @param dir    a folder of its own
     * @param stages the pipeline's {@code stages:} block
     */
    TinyRun(Path dir, String stages) throws IOException {
        String text = HEADER.formatted(corpus(Files.createDirectories(dir)).toAbsolutePath()) + stages;
        PipelineConfig config = PipelineValidator.validate(PipelineLoader.parse(text, "tiny.yaml", "tiny.yaml"), "tiny.yaml", "tiny",
                PLUGINS, StageCatalog.builtIn());
        context = new RunContext("tiny", Files.createDirectories(dir.resolve("run")), dir.resolve("cache"), config, PLUGINS,
                (type, data) -> events.add(Map.entry(type, data)));
    }

    /** Runs every stage. */
    TinyRun run() throws Exception {
        new PipelineRunner(StageCatalog.builtIn()).run(context);
        return this;
    }

    /** The messages of the events of one type. */
    List<String> messages(String type) {
        return events.stream().filter(e -> e.getKey().equals(type)).map(e -> String.valueOf(e.getValue().get("message"))).toList();
    }

    private static Path corpus(Path dir) throws IOException {
        String[] words = {"the cat", "a dog", "sees", "likes", "the ball", "a red house", "the river"};
        Random random = new Random(3);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            text.append(words[random.nextInt(words.length)]).append(' ').append(words[random.nextInt(words.length)]).append(".\n");
        }
        return Files.writeString(dir.resolve("corpus.txt"), text);
    }
}
