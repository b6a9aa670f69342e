package org.inlier.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.inlier.plugins.datasets.IdxFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VitPipelineTest {

    @TempDir
    Path dir;

    /** A stand-in for the Fashion-MNIST files: 8×8 images, class 0 bright and class 1 dark, with some texture. */
    private Path images(int train, int test) throws IOException {
        Path data = Files.createDirectories(dir.resolve("fashion-mnist"));
        write(data, "train", train, 0);
        write(data, "t10k", test, 1);
        return data;
    }

    private static void write(Path data, String prefix, int count, int salt) throws IOException {
        byte[] pixels = new byte[count * 64];
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) {
            labels[i] = (byte) (i % 2);
            for (int p = 0; p < 64; p++) {
                pixels[i * 64 + p] = (byte) ((i % 2 == 0 ? 170 : 30) + (p * 7 + i * 13 + salt * 5) % 60);
            }
        }
        new IdxFile(new int[] {count, 8, 8}, pixels).write(data.resolve(prefix + "-images-idx3-ubyte.gz"));
        new IdxFile(new int[] {count}, labels).write(data.resolve(prefix + "-labels-idx1-ubyte.gz"));
    }

    @Test
    void aVitTrainsOnLabelledImagesAndReportsAccuracyInFloatAndAtW8A8() throws Exception {
        Path pipeline = Files.writeString(dir.resolve("vit.yaml"), """
                model: { family: vit, layers: 1, hidden: 16, heads: 2, ffn: 32, image: 8, patch: 4 }
                data: { set: fashion-mnist, dir: "%s", valid: 16 }
                attention: { variant: clipped-softmax, alpha: 0.5 }
                stages:
                  - train: { steps: 40, batch: 8, lr: 1.0e-2, warmup: 4, checkpoint_every: 40, log_every: 10, metrics_every: 20 }
                  - calibrate: { batches: 2, batch: 8 }
                  - quantize: { weights: { bits: 8 }, activations: { bits: 8 } }
                  - evaluate: { batches: 4, batch: 8 }
                """.formatted(images(64, 32).toAbsolutePath()));

        CliResult result = CliResult.in(dir, "run", pipeline.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        Path run;
        try (Stream<Path> runs = Files.list(dir.resolve("runs"))) {
            run = runs.findFirst().orElseThrow();
        }
        JsonNode quality = new ObjectMapper().readTree(run.resolve("report.json").toFile()).at("/sections/quality");
        assertThat(quality).extracting(q -> q.get("precision").asText()).containsExactly("FP32", "W8A8");
        // Brightness separates the classes: a trained model gets them right, a 50% guess would not pass.
        assertThat(quality.get(0).get("accuracy").asDouble()).isGreaterThan(0.9);
        assertThat(quality.get(1).get("accuracy").asDouble()).isGreaterThan(0.9);
    }
}
