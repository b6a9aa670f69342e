package org.inlier.runtime.stages;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.inlier.api.attention.AttentionVariant;
import org.inlier.api.data.Split;
import org.inlier.api.model.ModelGraph;
import org.inlier.api.model.NormLink;
import org.inlier.api.model.StepArrayPool;
import org.inlier.api.plugin.OptionSpec;
import org.inlier.api.plugin.Options;
import org.inlier.api.plugin.PluginKind;
import org.inlier.api.quant.Granularity;
import org.inlier.api.quant.QuantScheme;
import org.inlier.api.quant.Range;
import org.inlier.api.site.SiteInstrumentation;
import org.inlier.api.site.SiteKind;
import org.inlier.runtime.config.StageConfig;
import org.inlier.runtime.model.Checkpoint;
import org.inlier.runtime.model.QatSites;
import org.inlier.runtime.model.SiteRecorder;
import org.inlier.runtime.quant.QuantizationPlan;
import org.inlier.runtime.report.Sections;
import org.inlier.runtime.train.AdamW;
import org.inlier.runtime.train.ParameterBuffer;
import org.inlier.runtime.train.LearningRateSchedule;
import org.inlier.runtime.train.TokenWindows;
import org.inlier.runtime.train.TrainingDivergedException;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Trains the model from scratch (or resumes from the run's last checkpoint): AdamW, warmup and
 * decay, gradient clipping by global norm, gradient accumulation over micro-batches, checkpoints
 * every N steps, and a stop with the last good checkpoint kept if the loss becomes NaN or infinite.
 *
 * <p>The objective is the model's own task loss, or, to retrofit a pretrained model with another
 * attention variant, QAT or regularisers, {@link Distillation} from the model as it was before the
 * stage (the teacher, with softmax attention) on unlabelled text.
 */
public final class TrainStage implements Stage {

    /** The last checkpoint of a run; a new one replaces it atomically. */
    public static final String CHECKPOINT = "checkpoints/last.zip";

    /** The report sections training writes, saved with each checkpoint. */
    public static final List<String> TRAINING_SECTIONS = List.of(Sections.TRAINING_CURVE, Sections.OUTLIERS_DURING_TRAINING);

    /** The objective of training a model on its own task. */
    static final String TASK = "task";
    /** The objective of retrofitting: learn the outputs of the model before the stage. */
    static final String DISTILL = "distill";

    /** The attention of a distillation teacher: the one pretrained weights were trained with. */
    private static final String TEACHER_ATTENTION = "vanilla";

    /** The checkpoint state's key of the training sections' rows. */
    private static final String REPORT_ROWS = "report_rows";

    @Override
    public String name() {
        return "train";
    }

    @Override
    public String description() {
        return "train the model on the data set's training split";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.integer("steps", 1000, 1, 10_000_000, "optimiser steps"),
                OptionSpec.integer("batch", 16, 1, 4096, "windows per micro-batch"),
                OptionSpec.integer("accumulate", 1, 1, 4096, "micro-batches whose gradients are summed into one step (effective batch = batch x accumulate)"),
                OptionSpec.choice("objective", TASK, List.of(TASK, DISTILL),
                        "task: the model's own loss (next-token, masked-token, classification); distill: match the outputs of the"
                                + " model as it was before this stage, with softmax attention (retrofitting a pretrained model)"),
                OptionSpec.choice("distill.target", "hidden", List.of("hidden", "pooled"),
                        "what distillation matches: every real token's last hidden state, or each sequence's mean-pooled one"),
                OptionSpec.number("lr", 1e-3, 0, 10, "peak learning rate"),
                OptionSpec.integer("warmup", 100, 0, 10_000_000, "linear warmup steps"),
                OptionSpec.choice("schedule", "cosine", List.of("cosine", "linear", "constant"), "decay after warmup"),
                OptionSpec.number("min_lr_ratio", 0.1, 0, 1, "final learning rate as a fraction of the peak"),
                OptionSpec.number("weight_decay", 0.01, 0, 10, "decoupled weight decay of weight matrices"),
                OptionSpec.bool("decay_norm_gamma", false, "also decay LayerNorm gamma (reduces outliers, per the paper)"),
                OptionSpec.number("grad_clip", 1.0, 0, 1e6, "clip the global gradient norm to this; 0 = off"),
                OptionSpec.number("beta1", 0.9, 0, 0.999999, "Adam first-moment decay"),
                OptionSpec.number("beta2", 0.99, 0, 0.999999, "Adam second-moment decay"),
                OptionSpec.number("epsilon", 1e-8, 0, 1, "Adam epsilon"),
                OptionSpec.integer("checkpoint_every", 200, 1, 10_000_000, "steps between checkpoints"),
                OptionSpec.integer("log_every", 10, 1, 10_000_000, "steps between progress events"),
                OptionSpec.integer("qat.bits", 0, 0, QuantScheme.MAX_BITS,
                        "quantization-aware training of layer inputs at this bit width with learned clipping; 0 = off"),
                OptionSpec.choice("qat.sites", "linear-inputs", List.of("linear-inputs", "all-activations"),
                        "which activations QAT fake-quantizes"),
                OptionSpec.choice("qat.weights", "channel", List.of("channel", "tensor", "none"),
                        "QAT also fake-quantizes every weight (symmetric, min-max per output channel or per tensor, straight-through), or none"),
                OptionSpec.integer("metrics_every", 100, 0, 10_000_000,
                        "steps between outlier measurements on a held-out batch (0 = off)"));
    }

    @Override
    public Map<String, PluginSlot> pluginSlots() {
        return Map.of();
    }

    @Override
    public void run(RunContext run, StageConfig config) {
        Options o = config.options();
        int steps = o.getInt("steps");
        int batch = o.getInt("batch");
        int seq = run.family().sequenceLength(run.config().model().options());
        TokenWindows windows = TokenWindows.of(run.corpus(), Split.TRAIN, seq + 1);
        SiteRecorder sites = new SiteRecorder(instrumentation(run, o, windows, batch));
        ModelGraph model = run.buildModel(sites, true);
        Distillation distillation = null;
        String taskLoss = model.loss();
        if (o.getString("objective").equals(DISTILL)) {
            ModelGraph teacher = run.buildModel(new SiteRecorder(SiteInstrumentation.NONE), false, TEACHER_ATTENTION,
                    Options.withDefaults(run.registry().require(PluginKind.ATTENTION_VARIANT, TEACHER_ATTENTION, AttentionVariant.class).options(),
                            Map.of()));
            distillation = Distillation.attach(model, teacher, Distillation.Target.of(o.getString("distill.target")));
            taskLoss = Distillation.LOSS;
        } else if (model.sd().getVariable(model.loss()).isConstant()) {
            throw new IllegalArgumentException("model " + run.config().model().id() + " has no training loss of its own (a pretrained encoder"
                    + " without its head); retrofit it with train: { objective: distill }");
        }
        String objective = TrainingObjective.build(run, model, sites, taskLoss);
        OutlierProbe probe = new OutlierProbe(run, sites, seq);

        ParameterBuffer params = new ParameterBuffer(trainableArrays(model));
        AdamW optimiser = new AdamW(o.getDouble("beta1"), o.getDouble("beta2"), o.getDouble("epsilon"),
                o.getDouble("weight_decay"), params.mask(decayed(model, params.parameters(), o.getBoolean("decay_norm_gamma"))));
        LearningRateSchedule schedule = new LearningRateSchedule(o.getDouble("lr"), o.getInt("warmup"), steps,
                o.getString("schedule"), o.getDouble("min_lr_ratio"));
        Path checkpointFile = run.dir().resolve(CHECKPOINT);
        int start = resume(run, checkpointFile, params, optimiser);

        int accumulate = o.getInt("accumulate");
        long tokensPerStep = (long) batch * seq * accumulate;
        long began = System.nanoTime();
        double loss = Double.NaN;
        int lastGood = start;
        try (StepArrayPool stepArrays = new StepArrayPool()) {
            for (int step = start; step < steps; step++) {
                if (run.isCancelled()) {
                    run.events().log("train: cancelled at step " + step + "; last checkpoint at step " + lastGood);
                    return;
                }
                double lossSum = 0;
                double objectiveSum = 0;
                for (int micro = 0; micro < accumulate; micro++) {
                    // A fresh Random per micro-batch makes the batch order reproducible across resumes.
                    long draw = (long) step * accumulate + micro;
                    Map<String, INDArray> feeds = run.family().batch(windows.random(batch, new Random(run.config().seed() * 1_000_003L + draw)),
                            run.config().model().options(), run.corpus().tokenizer().vocabSize(), true, new Random(draw));
                    if (distillation != null) {
                        feeds = distillation.feeds(feeds);
                    }
                    stepArrays.nextStep(model.sd()); // the previous step's outputs and gradients are read by now
                OutAndGrad result = model.sd().calculateGradientsAndOutputs(feeds, List.of(taskLoss, objective), params.parameters().keySet());
                    lossSum += result.getOutputs().get(taskLoss).getDouble(0);
                    objectiveSum += result.getOutputs().get(objective).getDouble(0);
                    if (micro == 0) {
                        params.loadGradients(result.getGradients());
                    } else {
                        params.addGradients(result.getGradients());
                    }
                }
                if (accumulate > 1) {
                    params.gradients().divi(accumulate);
                }
                loss = lossSum / accumulate;
                double objectiveValue = objectiveSum / accumulate;
                double norm = params.clipGradients(o.getDouble("grad_clip"));
                // A NaN can reach the gradients before the loss; either way the update must not happen.
                if (!Double.isFinite(loss) || !Double.isFinite(objectiveValue) || !Double.isFinite(norm)) {
                    throw new TrainingDivergedException("train: loss or gradient became non-finite at step " + (step + 1)
                            + " (loss " + loss + ", gradient norm " + norm + "); stopped. The last good checkpoint (step "
                            + lastGood + ") is kept at " + checkpointFile);
                }
                double lr = schedule.at(step);
                optimiser.update(params.values(), params.gradients(), lr);
                params.store();

                int done = step + 1;
                if (done % o.getInt("log_every") == 0 || done == steps) {
                    double seconds = (System.nanoTime() - began) / 1e9;
                    double tokensPerSecond = tokensPerStep * (done - start) / seconds;
                    Map<String, Object> progress = new LinkedHashMap<>();
                    progress.put("stage", name());
                    progress.put("step", done);
                    progress.put("steps", steps);
                    progress.put("loss", loss);
                    if (!objective.equals(taskLoss)) {
                        progress.put("objective", objectiveValue);
                    }
                    progress.put("lr", lr);
                    progress.put("grad_norm", norm);
                    progress.put("tokens_per_s", tokensPerSecond);
                    progress.put("eta_s", (steps - done) * seconds / (done - start));
                    run.events().emit("progress", progress);
                    run.report().row(Sections.TRAINING_CURVE, Map.of("step", done, "loss", loss, "lr", lr));
                }
                int metricsEvery = o.getInt("metrics_every");
                if (metricsEvery > 0 && (done % metricsEvery == 0 || done == steps)) {
                    probe.measure(model, done);
                }
                // Last, so the checkpoint holds this step's report rows too.
                if (done % o.getInt("checkpoint_every") == 0 || done == steps) {
                    save(run, checkpointFile, done, loss, params, optimiser);
                    lastGood = done;
                }
            }
        }
        run.keepWeights(model);
        double seconds = (System.nanoTime() - began) / 1e9;
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("steps", steps);
        summary.put("resumed_from_step", start);
        summary.put("final_loss", loss);
        summary.put("tokens_seen", tokensPerStep * steps);
        summary.put("tokens_per_s", seconds > 0 ? tokensPerStep * (steps - start) / seconds : 0.0);
        summary.put("seconds", seconds);
        summary.put("parameters", params.length());
        run.report().values("training", summary);
    }

    /** Nothing in plain training; learned-clipping fake quantization at the selected sites under QAT. */
    private static SiteInstrumentation instrumentation(RunContext run, Options o, TokenWindows windows, int batch) {
        int bits = o.getInt("qat.bits");
        if (bits == 0) {
            return SiteInstrumentation.NONE;
        }
        boolean linearInputs = "linear-inputs".equals(o.getString("qat.sites"));
        SiteRecorder probe = new SiteRecorder(SiteInstrumentation.NONE);
        ModelGraph model = run.buildModel(probe, false);
        Map<String, INDArray> feeds = run.family().batch(windows.random(batch, new Random(run.config().seed())),
                run.config().model().options(), run.corpus().tokenizer().vocabSize(), false, new Random(0));
        Map<String, String> selected = new LinkedHashMap<>();
        Set<String> weights = new HashSet<>();
        String weightMode = o.getString("qat.weights");
        probe.sites().forEach((site, variable) -> {
            if (site.isWeight() && !"none".equals(weightMode) && !site.name().startsWith("head.")) {
                weights.add(site.name());
            }
            boolean kind = linearInputs ? QatSites.LINEAR_INPUTS.contains(site.kind()) : site.kind() != SiteKind.HEAD_OUTPUT;
            if (!site.isWeight() && kind && !site.name().startsWith("head.")) {
                selected.put(site.name(), variable.name());
            }
        });
        Map<String, INDArray> values = model.sd().output(feeds, new ArrayList<>(selected.values()));
        Map<String, Range> bounds = new LinkedHashMap<>();
        selected.forEach((site, variable) -> bounds.put(site, startingBounds(values.get(variable))));
        run.events().log("train: QAT at " + bits + " bits on " + bounds.size() + " sites with learned clipping"
                + (weights.isEmpty() ? "" : " and " + weights.size() + " weights per " + weightMode));
        return new QatSites(QuantizationPlan.of(run.config(), run.registry()).quantizer(), bits, bounds, weights,
                "tensor".equals(weightMode) ? Granularity.TENSOR : Granularity.CHANNEL);
    }

    /** The first batch's min and max, widened by 1% of the width so the extremes start inside. */
    private static Range startingBounds(INDArray x) {
        double min = x.minNumber().doubleValue();
        double max = x.maxNumber().doubleValue();
        double margin = Math.max(0.01 * (max - min), 1e-3);
        return Range.of(min - margin, max + margin);
    }

    private static Map<String, INDArray> trainableArrays(ModelGraph model) {
        Map<String, INDArray> params = new LinkedHashMap<>();
        for (SDVariable v : model.sd().variables()) {
            if (v.getVariableType() == VariableType.VARIABLE) {
                params.put(v.name(), v.getArr());
            }
        }
        return params;
    }

    /** Weight matrices decay; biases, LayerNorm β and (unless asked) γ do not. */
    private static Set<String> decayed(ModelGraph model, Map<String, INDArray> params, boolean decayGamma) {
        Set<String> decayed = new HashSet<>();
        params.forEach((name, p) -> {
            if (p.rank() >= 2) {
                decayed.add(name);
            }
        });
        if (decayGamma) {
            model.norms().stream().map(NormLink::gamma).forEach(decayed::add);
        }
        return decayed;
    }

    @SuppressWarnings("unchecked")
    private static int resume(RunContext run, Path file, ParameterBuffer params, AdamW optimiser) {
        if (!Files.exists(file)) {
            return 0;
        }
        Checkpoint checkpoint = Checkpoint.load(file);
        checkpoint.arrays().get("params").forEach((name, array) -> {
            INDArray p = params.parameters().get(name);
            if (p == null) {
                throw new IllegalStateException("checkpoint " + file + " holds '" + name + "', which this model does not have");
            }
            p.assign(array);
        });
        int step = ((Number) checkpoint.state().get("step")).intValue();
        params.load();
        restoreMoments(params.viewsOf(optimiser.firstMoment()), checkpoint.arrays().getOrDefault("adam.m", Map.of()));
        restoreMoments(params.viewsOf(optimiser.secondMoment()), checkpoint.arrays().getOrDefault("adam.v", Map.of()));
        optimiser.restore(step);
        Object rows = checkpoint.state().getOrDefault(REPORT_ROWS, Map.of());
        ((Map<String, List<Map<String, Object>>>) rows).forEach((section, sectionRows) -> sectionRows.forEach(row -> run.report().row(section, row)));
        run.events().log("train: resumed from " + file + " at step " + step);
        return step;
    }

    /** Moments saved by name; a parameter the checkpoint lacks keeps zero moments. */
    private static void restoreMoments(Map<String, INDArray> live, Map<String, INDArray> saved) {
        saved.forEach((name, array) -> {
            INDArray target = live.get(name);
            if (target != null) {
                target.assign(array);
            }
        });
    }

    /**
     * Saves the step's state; the report rows training wrote so far travel with it, so a resumed
     * run's report still shows the curve and the outliers from before the checkpoint.
     */
    private static void save(RunContext run, Path file, int step, double loss, ParameterBuffer params, AdamW optimiser) {
        Map<String, Object> sections = run.report().sections();
        Map<String, Object> rows = new LinkedHashMap<>();
        for (String section : TRAINING_SECTIONS) {
            rows.put(section, sections.getOrDefault(section, List.of()));
        }
        new Checkpoint(Map.of("step", step, "loss", loss, REPORT_ROWS, rows), Map.of("params", params.parameters(),
                "adam.m", params.viewsOf(optimiser.firstMoment()), "adam.v", params.viewsOf(optimiser.secondMoment()))).save(file);
    }
}
