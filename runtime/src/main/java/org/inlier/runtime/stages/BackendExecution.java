package org.inlier.runtime.stages;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.inlier.api.backend.CompiledModel;
import org.inlier.api.backend.HardwareBackend;
import org.inlier.api.backend.ModelExecution;
import org.inlier.api.backend.QuantizedRunner;
import org.inlier.api.model.ModelGraph;
import org.inlier.api.plugin.PluginKind;
import org.inlier.api.site.QuantizationSite;
import org.inlier.api.site.SiteKind;
import org.inlier.runtime.config.PluginRef;
import org.inlier.runtime.metrics.PooledCosine;
import org.inlier.runtime.metrics.Sqnr;
import org.inlier.runtime.model.SiteRecorder;
import org.inlier.runtime.quant.QuantizationPlan;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The quantized model executed by the pipeline's backend itself, beside the simulation: the
 * evaluate stage feeds it the same batches and reports its loss and perplexity, output SQNR and
 * pooled-embedding cosine against the float model, and its time per batch, as a quality row
 * labelled {@code <precision> on <backend>}. A backend executes either the model's graph it
 * compiles ({@link HardwareBackend#execution}: onnxruntime, through the ONNX export) or the quantize
 * stage's saved integer model ({@link HardwareBackend#load}: int8-jvm's integer kernels). Backends
 * that only simulate get no such row. Per-site SQNR stays the simulation's, the only place every
 * site's tensor is read.
 */
final class BackendExecution implements AutoCloseable {

    private final RunContext run;
    private final String label;
    private final QuantizedRunner runner;
    private final Sqnr outputSqnr = new Sqnr();
    private final PooledCosine cosine = new PooledCosine();
    private double lossSum;
    private double seconds;
    private int batches;

    private BackendExecution(RunContext run, String label, QuantizedRunner runner) {
        this.run = run;
        this.label = label;
        this.runner = runner;
    }

    /**
     * The pipeline's backend's own execution of the latest quantize stage's model, if it has one.
     *
     * @param fpModel the float model, run once on {@code feeds} to read the number of attention heads
     * @param fp      its sites
     * @param feeds   the first evaluation batch
     */
    static Optional<BackendExecution> of(RunContext run, QuantizationPlan plan, ModelGraph fpModel, SiteRecorder fp,
                                         Map<String, INDArray> feeds) {
        PluginRef ref = run.config().backend();
        HardwareBackend backend = run.registry().require(PluginKind.HARDWARE_BACKEND, ref.id(), HardwareBackend.class);
        Optional<QuantizedRunner> runner = backend.execution(ref.options(), run.quantParams()).map(execution -> compiled(run, execution));
        if (runner.isEmpty() && backend.capabilities(ref.options()).integerExecution()) {
            runner = backend.load(ref.options(), run.dir().resolve(QuantizeStage.fileName(plan.label())), run.config().model().id(),
                    heads(fpModel, fp, feeds), run.config().attention().id());
        }
        return runner.map(r -> {
            run.events().log("evaluate " + plan.label() + " on " + ref.id() + ": " + r.description());
            return new BackendExecution(run, plan.label() + " on " + ref.id(), r);
        });
    }

    /** The run's model built through the backend's instrumentation and compiled by it. */
    private static QuantizedRunner compiled(RunContext run, ModelExecution execution) {
        ModelGraph model = run.buildModel(new SiteRecorder(execution), false);
        boolean hasLoss = model.sd().getVariable(model.loss()).getVariableType() != VariableType.CONSTANT;
        List<String> outputs = new ArrayList<>(List.of(model.output()));
        if (hasLoss) {
            outputs.add(model.loss());
        }
        return new CompiledRunner(execution.compile(model, outputs), model.output(), hasLoss ? model.loss() : null);
    }

    /** Runs one batch and compares its output with the float model's. */
    void add(Map<String, INDArray> feeds, INDArray fpOutput) {
        long start = System.nanoTime();
        INDArray output = runner.output(feeds);
        seconds += (System.nanoTime() - start) / 1e9;
        batches++;
        lossSum += runner.loss(feeds, output);
        outputSqnr.add(fpOutput, output);
        if (output.rank() == 3 && feeds.containsKey(ModelGraph.PADDING_MASK)) {
            cosine.add(fpOutput, output, feeds.get(ModelGraph.PADDING_MASK));
        }
    }

    /** The quality row of the backend's execution. */
    void report() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("precision", label);
        double loss = lossSum / batches;
        if (Double.isFinite(loss)) {
            row.put("loss", loss);
            row.put("perplexity", Math.exp(loss));
        }
        row.put("output_sqnr_db", outputSqnr.decibels());
        if (Double.isFinite(cosine.mean())) {
            row.put("pooled_cosine", cosine.mean());
        }
        row.put("seconds_per_batch", seconds / batches);
        if (runner.parameterBytes() > 0) {
            row.put("parameter_bytes", runner.parameterBytes());
        }
        run.report().row("quality", row);
    }

    @Override
    public void close() {
        if (runner instanceof CompiledRunner compiled) {
            compiled.model.close();
        }
    }

    /**
     * A compiled model as a runner: one run per batch gives the output and, from the same run, the
     * loss {@link #loss} is asked for next.
     */
    private static final class CompiledRunner implements QuantizedRunner {

        private final CompiledModel model;
        private final String output;
        private final String loss;
        private Map<String, INDArray> lastFeeds;
        private Map<String, INDArray> lastValues;

        CompiledRunner(CompiledModel model, String output, String loss) {
            this.model = model;
            this.output = output;
            this.loss = loss;
        }

        @Override
        public INDArray output(Map<String, INDArray> feeds) {
            lastFeeds = feeds;
            lastValues = model.run(feeds);
            return lastValues.get(output);
        }

        @Override
        public double loss(Map<String, INDArray> feeds, INDArray out) {
            if (loss == null) {
                return Double.NaN;
            }
            return (feeds == lastFeeds ? lastValues : model.run(feeds)).get(loss).getDouble(0);
        }

        @Override
        public long parameterBytes() {
            return 0; // held by the other runtime, not measured here
        }

        @Override
        public String description() {
            return model.description();
        }
    }

    /** The heads of the first attention-scores site, {@code (B, H, T, T)}: a family's options need not name them (bert-onnx reads them from its file). */
    private static int heads(ModelGraph model, SiteRecorder sites, Map<String, INDArray> feeds) {
        for (Map.Entry<QuantizationSite, SDVariable> e : sites.sites().entrySet()) {
            if (e.getKey().kind() == SiteKind.ATTENTION_SCORES) {
                String name = e.getValue().name();
                return (int) model.sd().output(feeds, List.of(name)).get(name).size(1);
            }
        }
        throw new IllegalStateException("the model has no attention-scores site to read its heads from");
    }
}
