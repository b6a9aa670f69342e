package org.inlier.it;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ONNX side of the CLI: a trained, calibrated and quantized run exported with
 * {@code inlier export} and run by ONNX Runtime; a pipeline evaluated on the {@code onnxruntime}
 * backend; and the pipeline that cannot run there.
 */
class OnnxCliTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void exportWritesAQdqModelWithAPairPerActivationSiteAndEncodingsOfEverySite() throws Exception {
        Path pipeline = pipeline("nd4j-cpu", """
                  - train: { steps: 20, batch: 8, lr: 1.0e-2, warmup: 2 }
                  - calibrate: { batches: 2, batch: 8 }
                  - quantize: { weights: { bits: 8, granularity: channel }, activations: { bits: 8 } }
                """);
        CliResult run = CliResult.in(dir, "run", pipeline.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        Path runDir = onlyRun();

        Path onnx = dir.resolve("tiny.onnx");
        CliResult export = CliResult.in(dir, "export", runDir.getFileName().toString(), "--label", "w8a8", "-o", onnx.toString());
        assertThat(export.exitCode()).as(export.err()).isZero();

        JsonNode sites = JSON.readTree(runDir.resolve("calibration.json").toFile());
        JsonNode encodings = JSON.readTree(dir.resolve("tiny.encodings.json").toFile());
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(onnx));
        List<NodeProto> nodes = model.getGraph().getNodeList();
        long quantize = nodes.stream().filter(n -> n.getOpType().equals("QuantizeLinear")).count();
        long dequantize = nodes.stream().filter(n -> n.getOpType().equals("DequantizeLinear")).count();
        int activations = encodings.get("activation_encodings").size();
        int weights = encodings.get("param_encodings").size();
        assertThat(activations).isPositive();
        assertThat(quantize).isEqualTo(activations);
        assertThat(dequantize).isEqualTo(activations + weights);
        assertThat(encodings.get("param_encodings").get("layer.0.attn.q.weight")).hasSize(32); // per output channel
        JsonNode q = encodings.get("activation_encodings").get("layer.0.attn.q").get(0);
        assertThat(q.get("bitwidth").asInt()).isEqualTo(8);
        assertThat(q.get("offset").asLong() * q.get("scale").asDouble()).isCloseTo(q.get("min").asDouble(), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(sites.toString()).contains("layer.0.attn.q");

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(onnx.toString(), new OrtSession.SessionOptions());
             OnnxTensor tokens = OnnxTensor.createTensor(env, new int[2][16]);
             OrtSession.Result result = session.run(Map.of("tokens", tokens))) {
            float[][][] logits = (float[][][]) result.get(0).getValue();
            assertThat(logits).hasDimensions(2, 16);
            for (float v : logits[1][15]) {
                assertThat(v).isFinite();
            }
        }
    }

    @Test
    void theEvaluateStageMeasuresTheQuantizedModelOnOnnxRuntime() throws Exception {
        Path pipeline = pipeline("onnxruntime", """
                  - calibrate: { batches: 2, batch: 8 }
                  - quantize: { weights: { bits: 8, granularity: channel }, activations: { bits: 8 } }
                  - evaluate: { batches: 2, batch: 8 }
                """);
        CliResult run = CliResult.in(dir, "run", pipeline.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode quality = JSON.readTree(onlyRun().resolve("report.json").toFile()).at("/sections/quality");
        assertThat(quality.get(1).get("precision").asText()).isEqualTo("W8A8");
        assertThat(quality.get(2).get("precision").asText()).isEqualTo("W8A8 on onnxruntime");
        String log = Files.readString(onlyRun().resolve("events.jsonl"));
        assertThat(log).contains("evaluate W8A8 on onnxruntime: ONNX Runtime on the exported QDQ model");
        // ONNX Runtime's loss and the simulation's agree but for rounding ties (the same QDQ arithmetic in another summation order)
        assertThat(quality.get(2).get("loss").asDouble()).isCloseTo(quality.get(1).get("loss").asDouble(), org.assertj.core.data.Offset.offset(1e-3));
    }

    @Test
    void perTokenActivationsOnOnnxRuntimeFailValidationNamingTheBackendAndTheStage() throws Exception {
        Path pipeline = pipeline("onnxruntime", """
                  - train: { steps: 5 }
                  - quantize: { activations: { bits: 8, granularity: token } }
                """);
        CliResult result = CliResult.in(dir, "validate", pipeline.toString());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("stages[1].quantize.activations.granularity: backend 'onnxruntime' executes granularities [channel, tensor], not token");
    }

    /** A tiny decoder on generated text, on the given backend, with these stages. */
    private Path pipeline(String backend, String stages) throws Exception {
        return Files.writeString(dir.resolve(backend + ".yaml"), """
                seed: 3
                model: { family: decoder-clm, layers: 1, hidden: 32, heads: 2, ffn: 64, seq: 16 }
                data: { set: text-file, path: "%s" }
                backend: { id: %s, threads: 1 }
                stages:
                """.formatted(TinyPipelines.text(dir).toAbsolutePath(), backend) + stages);
    }

    private Path onlyRun() throws Exception {
        try (Stream<Path> runs = Files.list(dir.resolve("runs"))) {
            return runs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }
}
