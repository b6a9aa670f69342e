package org.inlier.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pipeline on {@code backend: { id: int8-jvm }}: train and calibrate run on ND4J, and the evaluate
 * stage measures the quantized model both simulated and executed by int8-jvm's integer kernels. The
 * two perplexities must agree closely (the integer levels equal the simulation's but for rare ties,
 * IntegerTransformerMatchesSimulationTest); a pipeline int8-jvm cannot execute fails validation.
 */
class EvaluateOnInt8JvmTest {

    private static final String PIPELINE = """
            seed: 3
            model: { family: decoder-clm, layers: 1, hidden: 32, heads: 2, ffn: 64, seq: 16 }
            data: { set: text-file, path: "%s" }
            backend: { id: int8-jvm, threads: 1 }
            stages:
              - train: { steps: 20, batch: 8, lr: 1.0e-2, warmup: 2 }
              - calibrate: { batches: 2, batch: 8 }
              - quantize: { weights: { bits: 8, granularity: channel }, activations: { bits: 8, granularity: %s } }
              - evaluate: { batches: 2, batch: 8 }
            """;

    @TempDir
    Path dir;

    @Test
    void evaluateReportsThePerplexityOfTheIntegerExecutionBesideTheSimulation() throws Exception {
        Path pipeline = Files.writeString(dir.resolve("int8.yaml"), PIPELINE.formatted(TinyPipelines.text(dir).toAbsolutePath(), "tensor"));
        CliResult result = CliResult.in(dir, "run", pipeline.toString());
        assertThat(result.exitCode()).as(result.err()).isZero();
        Path run;
        try (Stream<Path> runs = Files.list(dir.resolve("runs"))) {
            run = runs.findFirst().orElseThrow();
        }
        JsonNode simulated = null;
        JsonNode integer = null;
        for (JsonNode row : new ObjectMapper().readTree(run.resolve("report.json").toFile()).at("/sections/quality")) {
            switch (row.get("precision").asText()) {
                case "W8A8" -> simulated = row;
                case "W8A8 on int8-jvm" -> integer = row;
                default -> { }
            }
        }
        assertThat(simulated).as("the simulated W8A8 row").isNotNull();
        assertThat(integer).as("the int8-jvm row").isNotNull();
        double perplexity = simulated.get("perplexity").asDouble();
        assertThat(integer.get("perplexity").asDouble()).isCloseTo(perplexity, within(perplexity * 1e-3));
        assertThat(integer.get("parameter_bytes").asLong()).isPositive();
        assertThat(result.out() + result.err()).contains("W8A8 on int8-jvm: decoder-clm on int8-jvm");
    }

    @Test
    void perTokenActivationsFailValidationNamingTheBackend() throws Exception {
        Path pipeline = Files.writeString(dir.resolve("token.yaml"), PIPELINE.formatted(TinyPipelines.text(dir).toAbsolutePath(), "token"));
        CliResult result = CliResult.in(dir, "validate", pipeline.toString());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("stages[2].quantize.activations.granularity: backend 'int8-jvm' executes granularities "
                + "[channel, tensor], not token");
    }
}
