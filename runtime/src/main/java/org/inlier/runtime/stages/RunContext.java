package org.inlier.runtime.stages;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.inlier.api.attention.AttentionVariant;
import org.inlier.api.data.Corpus;
import org.inlier.api.data.DataContext;
import org.inlier.api.data.Dataset;
import org.inlier.api.model.ModelFamily;
import org.inlier.api.model.ModelGraph;
import org.inlier.api.model.ModelSpec;
import org.inlier.api.model.NormLink;
import org.inlier.api.plugin.Options;
import org.inlier.api.plugin.PluginKind;
import org.inlier.api.quant.QuantParams;
import org.inlier.api.quant.Range;
import org.inlier.runtime.config.PipelineConfig;
import org.inlier.runtime.model.SiteRecorder;
import org.inlier.runtime.quant.QuantizationPlan;
import org.inlier.runtime.plugins.PluginRegistry;
import org.inlier.runtime.report.RunReport;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The state of one run, shared by its stages in order: the pipeline, the resolved plugins, the
 * data, the current weights, calibration ranges and quantization parameters, and the report.
 */
public final class RunContext {

    private final String runId;
    private final Path dir;
    private final Path cacheDir;
    private final PipelineConfig config;
    private final PluginRegistry registry;
    private final RunEvents events;
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final RunReport report;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    private Corpus corpus;
    private Map<String, INDArray> weights;
    private Map<String, Range> activationRanges = Map.of();
    private Map<String, QuantParams> quantParams = Map.of();
    private QuantizationPlan quantizedWith;
    private boolean floatEvaluated;

    /**
     * @param runId    the run's id
     * @param dir      the run's folder in the run store
     * @param cacheDir where data sets keep downloads between runs
     * @param config   the validated pipeline
     * @param registry the loaded plugins
     * @param events   where progress and results go
     */
    public RunContext(String runId, Path dir, Path cacheDir, PipelineConfig config, PluginRegistry registry, RunEvents events) {
        this.runId = runId;
        this.dir = dir;
        this.cacheDir = cacheDir;
        this.config = config;
        this.registry = registry;
        this.events = events;
        this.report = new RunReport(runId, config);
    }

    public String runId() {
        return runId;
    }

    /** The run's folder. */
    public Path dir() {
        return dir;
    }

    /** Where data sets and derived data (e.g. the linear probe's cached embeddings) are kept between runs. */
    public Path cacheDir() {
        return cacheDir;
    }

    public PipelineConfig config() {
        return config;
    }

    public PluginRegistry registry() {
        return registry;
    }

    public RunEvents events() {
        return events;
    }

    public RunReport report() {
        return report;
    }

    /** Emits a warning event, once per run for each distinct message (stages that resolve the same profile warn once). */
    public void warn(String message) {
        if (warned.add(message)) {
            events.warn(message);
        }
    }

    /** Asks the run to stop at the next step boundary. */
    public void cancel() {
        cancelled.set(true);
    }

    /** Whether the run was asked to stop. */
    public boolean isCancelled() {
        return cancelled.get();
    }

    /** The pipeline's model family. */
    public ModelFamily family() {
        return registry.require(PluginKind.MODEL_FAMILY, config.model().id(), ModelFamily.class);
    }

    /** The data, loaded on first use. */
    public synchronized Corpus corpus() {
        if (corpus == null) {
            Dataset dataset = registry.require(PluginKind.DATASET, config.data().id(), Dataset.class);
            corpus = dataset.load(config.data().options(), new DataContext(cacheDir, events::log));
            report.values("data", java.util.Map.of("description", corpus.description()));
        }
        return corpus;
    }

    /**
     * Builds the pipeline's model with the given instrumentation, loaded with the current weights
     * (freshly initialised if there are none yet).
     *
     * @param sites    records the sites and applies what the stage needs there
     * @param training whether to build the training graph (dropout on)
     */
    public ModelGraph buildModel(SiteRecorder sites, boolean training) {
        return buildModel(sites, training, config.attention().id(), config.attention().options());
    }

    /**
     * Builds the pipeline's model with another attention variant than the pipeline's, loaded with
     * the current weights: a distillation teacher keeps the attention the weights were trained with.
     *
     * @param attentionId      the variant's plugin id
     * @param attentionOptions its options, defaults included
     */
    public ModelGraph buildModel(SiteRecorder sites, boolean training, String attentionId, Options attentionOptions) {
        AttentionVariant attention = registry.require(PluginKind.ATTENTION_VARIANT, attentionId, AttentionVariant.class);
        ModelGraph model = family().build(new ModelSpec(config.model().options(), corpus().tokenizer().vocabSize(), attention,
                attentionOptions, sites, config.seed(), training));
        if (weights != null) {
            List<String> fresh = new ArrayList<>();
            for (SDVariable v : model.sd().variables()) {
                INDArray w = weights.get(v.name());
                if (w != null) {
                    v.setArray(w.dup());
                } else if (v.getVariableType() == VariableType.VARIABLE) {
                    fresh.add(v.name());
                }
            }
            // New variables (QAT bounds, attention gates added to a trained model) start from their initial values.
            if (!fresh.isEmpty()) {
                events.log("model: " + fresh.size() + " variables not in the current weights start fresh: " + fresh);
            }
        }
        return model;
    }

    /**
     * Keeps a model's trainable variables as the run's current weights, with the residual
     * shortcut scales of post-LN models (constants that exact rewrites such as Gamma Migration change).
     */
    public void keepWeights(ModelGraph model) {
        Map<String, INDArray> copy = new LinkedHashMap<>();
        for (SDVariable v : model.sd().variables()) {
            if (v.getVariableType() == VariableType.VARIABLE) {
                copy.put(v.name(), v.getArr().dup());
            }
        }
        for (NormLink link : model.norms()) {
            if (link.shortcutScale() != null) {
                copy.put(link.shortcutScale(), model.sd().getArrForVarName(link.shortcutScale()).dup());
            }
        }
        weights = copy;
        floatEvaluated = false;
    }

    /** Whether the current weights were already evaluated in floating point (later evaluations only add quantized rows). */
    public boolean floatEvaluated() {
        return floatEvaluated;
    }

    /** Records that the current weights were evaluated in floating point. */
    public void markFloatEvaluated() {
        floatEvaluated = true;
    }

    /**
     * Makes sure the run has weights to work on: without a train stage these are the model
     * family's own initial weights — a pretrained family's checkpoint, or a fresh initialisation.
     */
    public void ensureWeights() {
        if (weights == null) {
            keepWeights(buildModel(new SiteRecorder(org.inlier.api.site.SiteInstrumentation.NONE), false));
            events.log("model: no train stage ran; using " + config.model().id() + "'s own initial weights");
        }
    }

    /** The current weights by variable name (read-only use). */
    public Map<String, INDArray> weights() {
        return weights == null ? Map.of() : weights;
    }

    public Map<String, Range> activationRanges() {
        return activationRanges;
    }

    public void activationRanges(Map<String, Range> ranges) {
        this.activationRanges = new HashMap<>(ranges);
    }

    /** The frozen quantization parameters by site of the latest quantize stage, empty before one. */
    public Map<String, QuantParams> quantParams() {
        return quantParams;
    }

    /** The plan of the latest quantize stage, or {@code null} before one. */
    public QuantizationPlan quantizedWith() {
        return quantizedWith;
    }

    /** Keeps the result of a quantize stage; a later one replaces it (one pipeline can try several bit widths). */
    public void quantized(QuantizationPlan plan, Map<String, QuantParams> params) {
        this.quantizedWith = plan;
        this.quantParams = new HashMap<>(params);
    }
}
