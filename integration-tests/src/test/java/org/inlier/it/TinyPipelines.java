package org.inlier.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Small, network-free pipelines and data for the tests. */
final class TinyPipelines {

    private TinyPipelines() {
    }

    /** Writes a few thousand lines of simple generated English to a file. */
    static Path text(Path dir) throws IOException {
        String[] subjects = {"the cat", "a dog", "the old man", "my sister", "the committee", "a child"};
        String[] verbs = {"sees", "likes", "finds", "carries", "watches", "follows"};
        String[] objects = {"the ball", "a red house", "the river", "an apple", "the letter", "a small bird"};
        Random random = new Random(1);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            text.append(subjects[random.nextInt(subjects.length)]).append(' ').append(verbs[random.nextInt(verbs.length)])
                    .append(' ').append(objects[random.nextInt(objects.length)]).append(".\n");
        }
        return Files.writeString(dir.resolve("corpus.txt"), text);
    }

    /** A complete train → calibrate → quantize → evaluate pipeline on a tiny model. */
    static Path endToEnd(Path dir, Path corpus) throws IOException {
        return Files.writeString(dir.resolve("tiny.yaml"), """
                name: tiny
                seed: 7
                model: { family: decoder-clm, layers: 1, hidden: 32, heads: 2, ffn: 64, seq: 16 }
                data: { set: text-file, path: "%s" }
                attention: { variant: vanilla }
                backend: { id: nd4j-cpu, threads: 1 }
                stages:
                  - train: { steps: 60, batch: 8, lr: 1.0e-2, warmup: 5, checkpoint_every: 20, log_every: 20 }
                  - calibrate: { batches: 2, batch: 8 }
                  - quantize: { weights: { bits: 8 }, activations: { bits: 8 } }
                  - evaluate: { batches: 4, batch: 8 }
                  - quantize: { weights: { bits: 4 }, activations: { bits: 4 } }
                  - evaluate: { batches: 4, batch: 8 }
                """.formatted(corpus.toAbsolutePath()));
    }

    /** Training that would go on for a million steps, checkpointing every 5: for cancelling and resuming. */
    static Path endless(Path dir, Path corpus) throws IOException {
        return Files.writeString(dir.resolve("endless.yaml"), """
                model: { family: decoder-clm, layers: 1, hidden: 16, heads: 2, ffn: 32, seq: 8 }
                data: { set: text-file, path: "%s" }
                backend: { id: nd4j-cpu, threads: 1 }
                stages: [ { train: { steps: 1000000, batch: 2, warmup: 0, checkpoint_every: 5, log_every: 1 } } ]
                """.formatted(corpus.toAbsolutePath()));
    }
}
