package org.inlier.shell;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.inlier.api.model.ModelGraph;
import org.inlier.api.site.SiteInstrumentation;
import org.inlier.plugins.onnx.OnnxExport;
import org.inlier.plugins.onnx.QdqSites;
import org.inlier.runtime.config.PipelineConfig;
import org.inlier.runtime.config.PipelineException;
import org.inlier.runtime.config.PipelineLoader;
import org.inlier.runtime.config.PipelineValidator;
import org.inlier.runtime.model.Checkpoint;
import org.inlier.runtime.model.SiteRecorder;
import org.inlier.runtime.plugins.PluginRegistry;
import org.inlier.runtime.stages.PipelineRunner;
import org.inlier.runtime.stages.RunContext;
import org.inlier.runtime.stages.StageCatalog;
import org.inlier.runtime.stages.TrainStage;
import org.inlier.runtime.store.AtomicFiles;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code inlier export <run> --label w8a8 -o model.onnx}: a run's quantized model as ONNX with
 * QuantizeLinear/DequantizeLinear at every quantized site and integer weights ({@code onnx-qdq}),
 * plus its AIMET-style {@code encodings.json}; or the run's model in floating point ({@code onnx}).
 * Runs in this process; the run store is only read.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Export a run's model to ONNX: with --format onnx-qdq (default) the quantized model quantized-<label>.zip, with a"
                + " QuantizeLinear/DequantizeLinear pair carrying Inlier's scale and zero-point at every quantized activation, integer"
                + " weights with DequantizeLinear, and <file>.encodings.json (AIMET layout); with --format onnx the floating-point model.",
                "The graph is the model's SameDiff graph translated op by op (opset 21), so ONNX Runtime computes what Inlier simulates."})
final class ExportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "<run>", description = "a run id of the run store, or a run's folder")
    String run;

    @Option(names = "--label", paramLabel = "<label>",
            description = "the quantized model, quantized-<label>.zip (e.g. w8a8); for --format onnx, its weights (after any rewrite)"
                    + " in floating point; default for onnx: the run's last checkpoint, or the model's own weights")
    String label;

    @Option(names = "--format", paramLabel = "<format>", defaultValue = "onnx-qdq",
            description = "onnx-qdq (quantized, default) or onnx (floating point)")
    String format;

    @Option(names = {"-o", "--output"}, paramLabel = "<file.onnx>", required = true, description = "the ONNX file to write")
    Path output;

    @Mixin
    RuntimeOptions runtime;

    @Override
    public Integer call() {
        PrintStream err = Cli.err();
        if (!format.equals("onnx-qdq") && !format.equals("onnx")) {
            err.println("error: --format " + format + ": allowed: onnx-qdq, onnx");
            return ExitCodes.INVALID;
        }
        if (format.equals("onnx-qdq") && label == null) {
            err.println("error: --format onnx-qdq needs --label <label> (the run's quantized-<label>.zip, e.g. w8a8)");
            return ExitCodes.INVALID;
        }
        if (!output.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx")) {
            err.println("error: -o " + output + ": the file must end in .onnx");
            return ExitCodes.INVALID;
        }
        PluginRegistry registry = runtime.registry();
        try {
            return export(registry, err);
        } catch (PipelineException e) {
            err.println(e.getMessage());
            return ExitCodes.INVALID;
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return ExitCodes.INVALID;
        }
    }

    private int export(PluginRegistry registry, PrintStream err) {
        Path runDir = Files.isDirectory(Path.of(run)) ? Path.of(run) : runtime.runs.resolve(run);
        Path pipeline = runDir.resolve(PipelineRunner.PIPELINE_FILE);
        if (!Files.isRegularFile(pipeline)) {
            throw new IllegalArgumentException("'" + run + "' is neither a run in " + runtime.runs + " nor a run's folder (no "
                    + PipelineRunner.PIPELINE_FILE + " in " + runDir + ")");
        }
        String runId = runDir.getFileName().toString();
        PipelineConfig config = PipelineValidator.validate(PipelineLoader.read(pipeline), pipeline.toString(), runId, registry,
                StageCatalog.builtIn());
        RunContext context = new RunContext(runId, runDir, runtime.cache, config, registry, (type, data) -> {
            if (type.equals("log")) {
                err.println(data.get("message"));
            }
        });
        StoredQuantization stored = label == null ? null : StoredQuantization.load(runId, runDir, label, config, registry);
        QdqSites sites = format.equals("onnx-qdq") ? new QdqSites(stored::paramsOf) : null;
        ModelGraph model = context.buildModel(new SiteRecorder(sites == null ? SiteInstrumentation.NONE : sites), false);
        if (sites != null) {
            stored.checkAllApplied();
        }
        String weights = load(model, stored, runDir);
        OnnxExport export = OnnxExport.of(model.sd(), sites, model.placeholders(), List.of(model.output()), config.name());
        byte[] file = export.bytes();
        AtomicFiles.write(output, file);
        err.println("Wrote " + output + " (" + file.length / 1024 + " KiB, ONNX opset 21): " + config.model().id() + " with " + weights
                + (sites == null ? ", floating point" : ", " + export.encodings().size() + " quantized sites of " + stored.label()));
        err.println("  inputs: " + model.placeholders().stream().filter(p -> export.model().getGraph().getInputList().stream()
                .anyMatch(i -> i.getName().equals(p))).toList() + "; output: " + model.output());
        if (sites != null) {
            Path encodings = output.resolveSibling(output.getFileName().toString().replaceAll("(?i)\\.onnx$", "") + ".encodings.json");
            AtomicFiles.write(encodings, export.encodings().json());
            err.println("Wrote " + encodings + " (AIMET-style encodings of every quantized site)");
        }
        return ExitCodes.OK;
    }

    /** Sets the model's arrays from the quantized model's float weights or the run's checkpoint; says which. */
    private static String load(ModelGraph model, StoredQuantization stored, Path runDir) {
        Map<String, INDArray> weights;
        String what;
        Path checkpoint = runDir.resolve(TrainStage.CHECKPOINT);
        if (stored != null) {
            weights = stored.weights();
            what = "the weights of " + stored.file().getFileName();
        } else if (Files.isRegularFile(checkpoint)) {
            weights = Checkpoint.load(checkpoint).arrays().get("params");
            what = "the weights of " + TrainStage.CHECKPOINT;
        } else {
            return "its own initial weights (the run has no checkpoint)";
        }
        List<String> misfits = new ArrayList<>();
        for (SDVariable v : model.sd().variables()) {
            INDArray w = weights.get(v.name());
            if (w == null || v.getArr() == null) {
                continue;
            }
            if (Arrays.equals(w.shape(), v.getArr().shape())) {
                v.setArray(w.dup());
            } else {
                misfits.add(v.name() + " " + Arrays.toString(w.shape()) + " vs " + Arrays.toString(v.getArr().shape()));
            }
        }
        if (!misfits.isEmpty()) {
            throw new IllegalArgumentException("the stored weights do not fit the run's model: " + misfits);
        }
        return what;
    }
}
