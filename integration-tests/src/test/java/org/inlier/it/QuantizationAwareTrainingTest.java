package org.inlier.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.inlier.runtime.model.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

class QuantizationAwareTrainingTest {

    @TempDir
    Path dir;

    @Test
    void qatWithKurtosisRegularisationLearnsClippingBoundsAndEvaluatesAtW4A4() throws Exception {
        Path pipeline = Files.writeString(dir.resolve("qat.yaml"), """
                model: { family: decoder-clm, layers: 1, hidden: 32, heads: 2, ffn: 64, seq: 16 }
                data: { set: text-file, path: "%s" }
                suppression: [ { id: kurtosis-regularization, lambda: 0.01 } ]
                stages:
                  - train: { steps: 30, batch: 8, lr: 1.0e-2, warmup: 3, qat.bits: 4, checkpoint_every: 30, log_every: 10 }
                  - calibrate: { batches: 2, batch: 8 }
                  - quantize: { weights: { bits: 4, granularity: channel }, activations: { bits: 4 } }
                  - evaluate: { batches: 2, batch: 8 }
                """.formatted(TinyPipelines.text(dir).toAbsolutePath()));

        CliResult result = CliResult.run("run", pipeline.toString(), "--runs", dir.resolve("runs").toString(),
                "--plugins", dir.resolve("none").toString(), "--cache", dir.resolve("cache").toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("QAT at 4 bits", "loss term of kurtosis-regularization added", "W4A4");
        Path run;
        try (Stream<Path> runs = Files.list(dir.resolve("runs"))) {
            run = runs.findFirst().orElseThrow();
        }
        Map<String, INDArray> params = Checkpoint.load(run.resolve("checkpoints/last.zip")).arrays().get("params");
        List<String> bounds = params.keySet().stream().filter(n -> n.endsWith(".qat.low") || n.endsWith(".qat.high")).toList();
        // ln1.out, attn.context, ln2.out, ffn.hidden, final_ln.out: two bounds each.
        assertThat(bounds).hasSize(10).contains("layer.0.ln1.out.qat.low", "layer.0.ffn.hidden.qat.high");
        assertThat(params.get("layer.0.ln1.out.qat.low").getDouble(0)).isLessThan(params.get("layer.0.ln1.out.qat.high").getDouble(0));
    }
}
