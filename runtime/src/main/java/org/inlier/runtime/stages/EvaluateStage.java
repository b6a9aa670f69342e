package org.inlier.runtime.stages;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.IntPredicate;
import org.inlier.api.data.Split;
import org.inlier.api.data.Tokenizer;
import org.inlier.api.model.ModelGraph;
import org.inlier.api.model.PatchGrid;
import org.inlier.api.plugin.OptionSpec;
import org.inlier.api.plugin.Options;
import org.inlier.api.quant.QuantParams;
import org.inlier.api.site.QuantizationSite;
import org.inlier.api.site.SiteInstrumentation;
import org.inlier.api.site.SiteKind;
import org.inlier.runtime.config.StageConfig;
import org.inlier.runtime.metrics.AttentionSinks;
import org.inlier.runtime.metrics.OutlierLocator;
import org.inlier.runtime.metrics.OutlierMetrics;
import org.inlier.runtime.metrics.PooledCosine;
import org.inlier.runtime.metrics.Sqnr;
import org.inlier.runtime.metrics.TokenMaxAbs;
import org.inlier.runtime.model.FakeQuantSites;
import org.inlier.runtime.model.SiteRecorder;
import org.inlier.runtime.quant.QuantizationPlan;
import org.inlier.runtime.report.Sections;
import org.inlier.runtime.train.TokenWindows;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Measures perplexity (and a classifier's accuracy) on the held-out test split in floating point and, after a quantize stage,
 * with the frozen quantizers, plus the per-site quantization error (SQNR); for encoders without an
 * LM head on labelled data, the accuracy of a linear probe ({@link LabelledProbe}). For the floating-point
 * model it also records the papers' outlier metrics at every site, which hidden dimensions and
 * tokens carry the outliers, and how much attention each head parks on the first and on
 * delimiter tokens.
 */
public final class EvaluateStage implements Stage {

    /** Where the papers take their headline outlier metrics. */
    static final Set<SiteKind> HEADLINE_SITES = EnumSet.of(SiteKind.FFN_OUTPUT, SiteKind.LAYERNORM_OUTPUT);

    /** Bins of the activation histogram of the worst site. */
    private static final int HISTOGRAM_BINS = 64;

    /** Outlier dimensions listed per site. */
    private static final int TOP_DIMENSIONS = 3;

    /** Test images whose patch grid an image model's report shows. */
    static final int PATCH_GRID_IMAGES = 4;

    @Override
    public String name() {
        return "evaluate";
    }

    @Override
    public String description() {
        return "perplexity FP vs quantized on the test split, per-site SQNR, and outlier metrics";
    }

    @Override
    public List<OptionSpec> options() {
        List<OptionSpec> options = new ArrayList<>(List.of(
                OptionSpec.integer("batches", 32, 1, 1_000_000, "evaluation batches (capped by the test split's size)"),
                OptionSpec.integer("batch", 16, 1, 4096, "windows per batch")));
        options.addAll(LabelledProbe.OPTIONS);
        return options;
    }

    @Override
    public Map<String, PluginSlot> pluginSlots() {
        return Map.of();
    }

    @Override
    public void run(RunContext run, StageConfig config) {
        run.ensureWeights();
        int seq = run.family().sequenceLength(run.config().model().options());
        TokenWindows windows = TokenWindows.of(run.corpus(), Split.TEST, seq + 1);
        int batch = config.options().getInt("batch");
        int batches = Math.min(config.options().getInt("batches"), windows.count() / batch);
        if (batches == 0) {
            throw new IllegalStateException("the test split holds " + windows.count() + " windows, fewer than one batch of " + batch);
        }
        Batches data = new Batches(run, windows, batch, batches);
        Optional<LabelledProbe> probe = Optional.empty();
        if (!run.floatEvaluated()) {
            FloatEvaluation fp = new FloatEvaluation(run, config.options());
            fp.run(data);
            probe = fp.probe;
            run.markFloatEvaluated();
        }
        if (run.quantizedWith() != null) {
            evaluateQuantized(run, data, config.options(), probe);
        }
    }

    /** The evaluation batches: the same windows for every model evaluated. */
    private record Batches(RunContext run, TokenWindows windows, int batch, int count) {

        int[][] windows(int index) {
            return windows.sequential(index * batch, batch);
        }

        Map<String, INDArray> feeds(int[][] w, int index) {
            return run.family().batch(w, run.config().model().options(), run.corpus().tokenizer().vocabSize(), false, new Random(index));
        }
    }

    private static void evaluateQuantized(RunContext run, Batches data, Options options, Optional<LabelledProbe> fpProbe) {
        QuantizationPlan plan = run.quantizedWith();
        SiteRecorder fp = new SiteRecorder(SiteInstrumentation.NONE);
        ModelGraph fpModel = run.buildModel(fp, false);
        FakeQuantSites fakeQuant = new FakeQuantSites(plan.quantizer(), run.quantParams(), false);
        ModelGraph quantized = run.buildModel(new SiteRecorder(fakeQuant), false);

        Map<String, String> reference = new LinkedHashMap<>();
        for (Map.Entry<QuantizationSite, SDVariable> e : fp.sites().entrySet()) {
            if (!e.getKey().isWeight() && fakeQuant.outputs().containsKey(e.getKey().name())) {
                reference.put(e.getKey().name(), e.getValue().name());
            }
        }
        Map<String, Sqnr> sqnr = new LinkedHashMap<>();
        reference.keySet().forEach(site -> sqnr.put(site, new Sqnr()));
        List<String> quantizedFetch = new ArrayList<>();
        reference.keySet().forEach(site -> quantizedFetch.add(fakeQuant.outputs().get(site).name()));
        quantizedFetch.add(quantized.loss());
        quantizedFetch.add(quantized.output());
        Accuracy accuracy = new Accuracy(quantized, quantizedFetch);
        List<String> fpFetch = new ArrayList<>(reference.values());
        fpFetch.add(fpModel.output());

        double lossSum = 0;
        Sqnr outputSqnr = new Sqnr();
        PooledCosine cosine = new PooledCosine();
        Optional<BackendExecution> onBackend = BackendExecution.of(run, plan, fpModel, fp, data.feeds(data.windows(0), 0));
        try {
            for (int b = 0; b < data.count(); b++) {
                Map<String, INDArray> feeds = data.feeds(data.windows(b), b);
                Map<String, INDArray> fpValues = fpModel.sd().output(feeds, fpFetch);
                onBackend.ifPresent(backend -> backend.add(feeds, fpValues.get(fpModel.output())));
                Map<String, INDArray> qValues = quantized.sd().output(feeds, quantizedFetch);
                lossSum += qValues.get(quantized.loss()).getDouble(0);
                accuracy.add(qValues);
                for (String site : reference.keySet()) {
                    sqnr.get(site).add(fpValues.get(reference.get(site)), qValues.get(fakeQuant.outputs().get(site).name()));
                }
                INDArray fpOut = fpValues.get(fpModel.output());
                INDArray qOut = qValues.get(quantized.output());
                outputSqnr.add(fpOut, qOut);
                if (fpOut.rank() == 3) { // per-token states; a classifier's (B, classes) logits have no tokens to pool
                    cosine.add(fpOut, qOut, feeds.get(ModelGraph.PADDING_MASK));
                }
            }
        } finally {
            onBackend.ifPresent(BackendExecution::close);
        }
        reportGrid(run, plan);
        Map<String, Object> quality = qualityRow(fpModel, plan.label(), lossSum / data.count(), accuracy);
        quality.put("output_sqnr_db", outputSqnr.decibels());
        if (Double.isFinite(cosine.mean())) {
            quality.put("pooled_cosine", cosine.mean());
        }
        fpProbe.or(() -> LabelledProbe.of(run, options, fpModel))
                .ifPresent(probe -> quality.put("probe_accuracy", probe.quantizedAccuracy(fpModel, quantized)));
        run.report().row("quality", quality);
        onBackend.ifPresent(BackendExecution::report);
        String worst = null;
        for (Map.Entry<String, Sqnr> e : sqnr.entrySet()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("precision", plan.label());
            row.put("site", e.getKey());
            row.put("bits", run.quantParams().get(e.getKey()).scheme().bits());
            row.put("sqnr_db", e.getValue().decibels());
            run.report().row("per-site SQNR", row);
            if (worst == null || e.getValue().decibels() < sqnr.get(worst).decibels()) {
                worst = e.getKey();
            }
        }
        if (worst != null) {
            run.events().log("evaluate " + plan.label() + ": lowest SQNR at " + worst + " (" + String.format("%.1f", sqnr.get(worst).decibels()) + " dB)");
        }
    }

    /** The quantization grid at the site whose distribution the report shows, for this bit width. */
    private static void reportGrid(RunContext run, QuantizationPlan plan) {
        Object rows = run.report().sections().get(Sections.ACTIVATION_HISTOGRAM);
        if (!(rows instanceof List<?> bins) || bins.isEmpty()) {
            return;
        }
        String site = String.valueOf(((Map<?, ?>) bins.get(0)).get("site"));
        QuantParams p = run.quantParams().get(site);
        if (p == null || p.scale().length != 1) {
            return;
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("precision", plan.label());
        row.put("site", site);
        row.put("clip_min", (p.scheme().qmin() - p.zeroPoint()[0]) * p.scale()[0]);
        row.put("clip_max", (p.scheme().qmax() - p.zeroPoint()[0]) * p.scale()[0]);
        row.put("levels", p.scheme().qmax() - p.scheme().qmin() + 1);
        run.report().row(Sections.QUANTIZATION_GRID, row);
    }

    /**
     * Loss and perplexity, unless the model has no loss (a pretrained encoder without its
     * pretraining head), and a classifier's accuracy.
     */
    private static Map<String, Object> qualityRow(ModelGraph model, String precision, double loss, Accuracy accuracy) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("precision", precision);
        if (model.sd().getVariable(model.loss()).getVariableType() != VariableType.CONSTANT) {
            row.put("loss", loss);
            row.put("perplexity", Math.exp(loss));
        }
        if (accuracy.measured()) {
            row.put("accuracy", accuracy.mean());
        }
        return row;
    }

    /** The mean over batches of a classifier's {@link ModelGraph#ACCURACY}; nothing for models without one. */
    private static final class Accuracy {
        private final boolean measured;
        private double sum;
        private int batches;

        /** Adds the accuracy to the variables fetched per batch when the model defines it. */
        Accuracy(ModelGraph model, List<String> fetch) {
            measured = model.sd().hasVariable(ModelGraph.ACCURACY);
            if (measured) {
                fetch.add(ModelGraph.ACCURACY);
            }
        }

        void add(Map<String, INDArray> values) {
            if (measured) {
                sum += values.get(ModelGraph.ACCURACY).getDouble(0);
                batches++;
            }
        }

        boolean measured() {
            return measured && batches > 0;
        }

        double mean() {
            return sum / batches;
        }
    }

    /** The floating-point pass: perplexity, outlier metrics, outlier locations, attention sinks. */
    private static final class FloatEvaluation {
        private final RunContext run;
        private final SiteRecorder sites = new SiteRecorder(SiteInstrumentation.NONE);
        private final Map<String, OutlierMetrics> outliers = new LinkedHashMap<>();
        private final Map<String, OutlierLocator> locators = new LinkedHashMap<>();
        private final Map<String, AttentionSinks> sinks = new LinkedHashMap<>();
        private final Map<String, String> fetch = new LinkedHashMap<>();
        private final Map<String, INDArray> firstBatch = new LinkedHashMap<>();
        private final Options options;
        private final Optional<PatchGrid> patchGrid;
        private int[][] firstWindows;
        private Optional<LabelledProbe> probe = Optional.empty();

        FloatEvaluation(RunContext run, Options options) {
            this.run = run;
            this.options = options;
            this.patchGrid = run.family().patchGrid(run.config().model().options());
        }

        void run(Batches data) {
            ModelGraph model = run.buildModel(sites, false);
            // An image has no delimiter tokens (its windows hold a label and pixels, not token ids).
            IntPredicate delimiter = patchGrid.isPresent() ? id -> false : delimiters(run.corpus().tokenizer());
            for (Map.Entry<QuantizationSite, SDVariable> e : sites.sites().entrySet()) {
                QuantizationSite site = e.getKey();
                if (site.isWeight()) {
                    continue;
                }
                fetch.put(site.name(), e.getValue().name());
                outliers.put(site.name(), new OutlierMetrics());
                if (HEADLINE_SITES.contains(site.kind()) || site.kind() == SiteKind.RESIDUAL) {
                    locators.put(site.name(), new OutlierLocator());
                }
                if (site.kind() == SiteKind.ATTENTION_PROBS) {
                    sinks.put(site.name(), new AttentionSinks(delimiter));
                }
            }
            List<String> outputs = new ArrayList<>(fetch.values());
            outputs.add(model.loss());
            Accuracy accuracy = new Accuracy(model, outputs);
            double lossSum = 0;
            for (int b = 0; b < data.count(); b++) {
                int[][] windows = data.windows(b);
                Map<String, INDArray> feeds = data.feeds(windows, b);
                Map<String, INDArray> values = model.sd().output(feeds, outputs);
                if (b == 0) {
                    firstWindows = windows;
                }
                lossSum += values.get(model.loss()).getDouble(0);
                accuracy.add(values);
                for (Map.Entry<String, String> site : fetch.entrySet()) {
                    INDArray x = values.get(site.getValue());
                    outliers.get(site.getKey()).add(x, feeds.get(ModelGraph.PADDING_MASK));
                    if (b == 0 && locators.containsKey(site.getKey())) {
                        firstBatch.put(site.getKey(), x);
                    }
                    if (locators.containsKey(site.getKey())) {
                        locators.get(site.getKey()).add(x, windows, feeds.get(ModelGraph.PADDING_MASK));
                    }
                    if (sinks.containsKey(site.getKey())) {
                        sinks.get(site.getKey()).add(x, windows);
                    }
                }
            }
            Map<String, Object> quality = qualityRow(model, "FP32", lossSum / data.count(), accuracy);
            probe = LabelledProbe.of(run, options, model);
            probe.ifPresent(p -> quality.put("probe_accuracy", p.floatAccuracy(model)));
            run.report().row("quality", quality);
            reportOutliers();
            reportLocations();
            reportSinks();
        }

        private void reportOutliers() {
            double maxInfNorm = 0;
            double kurtosisSum = 0;
            int headline = 0;
            for (QuantizationSite site : sites.sites().keySet()) {
                OutlierMetrics m = outliers.get(site.name());
                if (m == null) {
                    continue;
                }
                if (HEADLINE_SITES.contains(site.kind())) {
                    maxInfNorm = Math.max(maxInfNorm, m.meanInfNorm());
                    kurtosisSum += m.meanKurtosis();
                    headline++;
                }
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("site", site.name());
                row.put("inf_norm", m.meanInfNorm());
                row.put("kurtosis", m.meanKurtosis());
                row.put("max_abs", m.maxAbs());
                run.report().row("outliers per site", row);
            }
            worstSite().ifPresent(worst -> {
                reportHistogram(worst);
                patchGrid.ifPresent(grid -> reportPatchGrid(worst, grid));
            });
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("max_inf_norm", maxInfNorm);
            summary.put("avg_kurtosis", headline == 0 ? Double.NaN : kurtosisSum / headline);
            summary.put("over", "FFN outputs and LayerNorm outputs (" + headline + " sites), per sequence, mean over test sequences");
            run.report().values("outliers", summary);
        }

        /** The located site (FFN, LayerNorm or residual output) with the largest ∞-norm. */
        private Optional<String> worstSite() {
            String worst = null;
            for (String site : firstBatch.keySet()) {
                if (worst == null || outliers.get(site).meanInfNorm() > outliers.get(worst).meanInfNorm()) {
                    worst = site;
                }
            }
            return Optional.ofNullable(worst);
        }

        /** The distribution of the site with the largest ∞-norm, on the first evaluation batch. */
        private void reportHistogram(String worst) {
            double[] values = firstBatch.get(worst).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).data().asDouble();
            double min = java.util.Arrays.stream(values).min().orElse(0);
            double max = java.util.Arrays.stream(values).max().orElse(0);
            double width = (max - min) / HISTOGRAM_BINS;
            long[] counts = new long[HISTOGRAM_BINS];
            for (double v : values) {
                counts[width == 0 ? 0 : (int) Math.min(HISTOGRAM_BINS - 1, (v - min) / width)]++;
            }
            for (int bin = 0; bin < HISTOGRAM_BINS; bin++) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("site", worst);
                row.put("lower", min + bin * width);
                row.put("upper", min + (bin + 1) * width);
                row.put("count", counts[bin]);
                run.report().row(Sections.ACTIVATION_HISTOGRAM, row);
            }
        }

        /**
         * Which patches produce the outliers: for the images of the first evaluation batch with the
         * largest ∞-norm at the worst site, each token's largest |x| over the hidden dimensions.
         */
        private void reportPatchGrid(String worst, PatchGrid grid) {
            double[][] perToken = TokenMaxAbs.of(firstBatch.get(worst)); // [B][T]
            List<Integer> images = new ArrayList<>();
            for (int i = 0; i < perToken.length; i++) {
                images.add(i);
            }
            images.sort((a, b) -> Double.compare(OutlierMetrics.infNorm(perToken[b]), OutlierMetrics.infNorm(perToken[a])));
            for (int i : images.subList(0, Math.min(PATCH_GRID_IMAGES, images.size()))) {
                int hottest = 1;
                List<Double> patches = new ArrayList<>();
                for (int token = 1; token < grid.tokens(); token++) {
                    patches.add(perToken[i][token]);
                    hottest = perToken[i][token] > perToken[i][hottest] ? token : hottest;
                }
                int[] window = firstWindows[i];
                List<Integer> pixels = new ArrayList<>();
                for (int p = 1; p <= grid.image() * grid.image(); p++) {
                    pixels.add(window[p]);
                }
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("image", i); // the test split's image i: the first batch starts at image 0
                row.put("class", run.corpus().tokenizer().decode(new int[] {window[0]}));
                row.put("site", worst);
                row.put("grid", grid.grid());
                row.put("class_token", perToken[i][0]);
                row.put("hottest", grid.describe(hottest));
                row.put("hottest_max_abs", perToken[i][hottest]);
                row.put("patch_max_abs", patches);
                row.put("pixels", pixels);
                run.report().row(Sections.PATCH_OUTLIERS, row);
            }
        }

        private void reportLocations() {
            Tokenizer tokenizer = run.corpus().tokenizer();
            for (Map.Entry<String, OutlierLocator> e : locators.entrySet()) {
                double typical = e.getValue().medianMaxAbs();
                for (OutlierLocator.Peak peak : e.getValue().top(TOP_DIMENSIONS)) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("site", e.getKey());
                    row.put("dimension", peak.dimension());
                    row.put("max_abs", peak.maxAbs());
                    row.put("vs_median_dimension", peak.maxAbs() / typical);
                    row.put("token", patchGrid.map(grid -> grid.describe(peak.position())).orElseGet(() -> {
                        // Special tokens ([CLS], [SEP]) decode to nothing: name them by id instead.
                        String text = tokenizer.decode(new int[] {peak.token()}).replace("\n", "\\n");
                        return text.isEmpty() ? "id " + peak.token() : "'" + text + "'";
                    }));
                    row.put("position", peak.position());
                    run.report().row("outlier dimensions and tokens", row);
                }
            }
        }

        private void reportSinks() {
            for (Map.Entry<String, AttentionSinks> e : sinks.entrySet()) {
                double[] first = e.getValue().firstTokenMass();
                double[] delimiters = e.getValue().delimiterMass();
                for (int head = 0; head < first.length; head++) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("site", e.getKey());
                    row.put("head", head);
                    // An image model's position 0 is its class token: that mass, beside what uniform attention gives it.
                    patchGrid.ifPresent(grid -> row.put("first_token", "class token"));
                    row.put("first_token_mass", first[head]);
                    if (patchGrid.isPresent()) {
                        row.put("uniform_mass", 1.0 / patchGrid.get().tokens());
                    } else {
                        row.put("delimiter_mass", delimiters[head]);
                        row.put("delimiter_share_of_keys", e.getValue().delimiterShare());
                    }
                    run.report().row("attention sinks", row);
                }
            }
        }
    }

    /** Spaces and punctuation: the low-information tokens no-op heads attend to. */
    private static IntPredicate delimiters(Tokenizer tokenizer) {
        boolean[] isDelimiter = new boolean[tokenizer.vocabSize()];
        for (int id = 0; id < isDelimiter.length; id++) {
            String text = tokenizer.decode(new int[] {id}).strip();
            isDelimiter[id] = text.isEmpty() || text.chars().allMatch(c -> !Character.isLetterOrDigit(c));
        }
        return id -> id >= 0 && id < isDelimiter.length && isDelimiter[id];
    }
}
