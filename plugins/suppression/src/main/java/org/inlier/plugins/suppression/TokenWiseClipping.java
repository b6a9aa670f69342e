package org.inlier.plugins.suppression;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.inlier.api.model.ModelGraph;
import org.inlier.api.plugin.OptionSpec;
import org.inlier.api.plugin.Options;
import org.inlier.api.quant.Granularity;
import org.inlier.api.quant.QuantScheme;
import org.inlier.api.quant.Range;
import org.inlier.api.site.QuantizationSite;
import org.inlier.api.site.SiteKind;
import org.inlier.api.suppression.CalibrationContext;
import org.inlier.api.suppression.OutlierSuppression;
import org.inlier.api.suppression.RewriteContext;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * Token-Wise Clipping, id {@value #ID} (Wei et al. 2022, "Outlier Suppression: Pushing the Limit
 * of Low-bit Transformer Language Models"): the outliers sit on a few tokens, so clipping those
 * tokens costs the model little and buys resolution for all the others.
 *
 * <p><b>Coarse stage.</b> For every per-tensor activation site except the attention probabilities
 * (which the paper does not clip this way), and for each calibration batch, take every real token's
 * maximum and minimum over the hidden axis, padding removed ({@link TokenExtrema}); the upper clip
 * is the α-quantile of the token maxima, the lower clip the (1 − α)-quantile of the token minima,
 * each averaged over the batches. One α is shared by all sites; it is searched downwards from 1
 * ({@link ClippingGrid}) and the α whose ranges give the smallest
 * {@link CalibrationContext#outputError} (MSE between the quantized model's final output and the
 * float output) wins; ties go to the larger α. Sites under per-token schemes keep the estimator's
 * ranges, and so do the attention probabilities; the returned map holds only the clipped sites.
 *
 * <p><b>Fine stage</b> ({@link FineStage}): starting from the coarse ranges, learn every clipped
 * site's scale and zero-point (LSQ+) by gradient on the same output error with Adam, a few epochs
 * over the calibration batches.
 *
 * <p><b>Records</b> ({@link CalibrationContext#record}): {@code candidates} (α, output MSE and
 * seconds of each candidate), {@code ranges} (each clipped site with its α and its coarse and
 * final range), {@code fine stage} (the loss of every step) and {@code summary}.
 *
 * <p>Options:
 * <ul>
 *   <li>{@code step} (default {@value #DEFAULT_STEP}): the distance between α candidates; the paper's
 *       reference code uses 0.01, finer when a batch holds more than 4096 tokens.</li>
 *   <li>{@code candidates} (default {@value #DEFAULT_CANDIDATES}): α candidates at 8 bits and
 *       more; lower bit widths get more (see {@link ClippingGrid}). Each candidate costs one
 *       forward pass of the quantized model over the calibration batches.</li>
 *   <li>{@code alpha} (unset by default): use this α, scored once for the records, instead of
 *       searching; e.g. the α an earlier run found, to run the fine stage without the search.</li>
 *   <li>{@code patience} (default 0): stop the downward search after this many candidates in a
 *       row without a new best, instead of scoring the whole grid; 0 scores every candidate.</li>
 *   <li>{@code score_batches} (default 0): score candidates on the first this many calibration
 *       batches only (the token extrema always come from all of them); 0 uses all.</li>
 *   <li>{@code fine.enabled} (default false), {@code fine.epochs} (default {@value FineStage#DEFAULT_EPOCHS}),
 *       {@code fine.lr} (default {@value FineStage#DEFAULT_LR}): the fine stage, and how long and
 *       fast it learns. Off by default: each step is a forward and a backward pass.</li>
 * </ul>
 */
public final class TokenWiseClipping implements OutlierSuppression {

    /** The id pipeline files use. */
    public static final String ID = "token-wise-clipping";

    /** The default distance between α candidates. */
    static final double DEFAULT_STEP = 0.01;

    /** The default number of α candidates at 8 bits. */
    static final int DEFAULT_CANDIDATES = 20;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Token-Wise Clipping: activation ranges from α-quantiles of per-token maxima and minima, α chosen by final-output MSE;"
                + " optionally scale and zero-point learned on that loss (LSQ+)";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.number("step", DEFAULT_STEP, 1e-4, ClippingGrid.LOWEST_ALPHA, "distance between α candidates, from 1 downwards"),
                OptionSpec.integer("candidates", DEFAULT_CANDIDATES, 1, 1000,
                        "α candidates at 8 bits and more; ⌈candidates · 8 / bits⌉ below, never below α = 0.5"),
                OptionSpec.optionalNumber("alpha", ClippingGrid.LOWEST_ALPHA, 1,
                        "use this α instead of searching (e.g. one an earlier run found); unset: search the grid"),
                OptionSpec.integer("patience", 0, 0, 1000,
                        "stop the downward search after this many candidates in a row without a new best; 0 scores every candidate"),
                OptionSpec.integer("score_batches", 0, 0, 100_000,
                        "score candidates on the first this many calibration batches only; 0 uses all (the ranges always use all)"),
                OptionSpec.bool("fine.enabled", false, "fine stage: learn scale and zero-point on the output loss (LSQ+, Adam)"),
                OptionSpec.integer("fine.epochs", FineStage.DEFAULT_EPOCHS, 1, 1000, "fine stage: passes over the calibration batches"),
                OptionSpec.number("fine.lr", FineStage.DEFAULT_LR, 1e-9, 1, "fine stage: Adam learning rate"));
    }

    @Override
    public Optional<SDVariable> lossTerm(Map<QuantizationSite, SDVariable> sites, Options options) {
        return Optional.empty();
    }

    @Override
    public Optional<String> rewrite(ModelGraph model, RewriteContext context, Options options) {
        return Optional.empty();
    }

    /**
     * {@inheritDoc}
     *
     * @return the ranges of the clipped sites (coarse, or learned by the fine stage), or empty if no site can be clipped
     */
    @Override
    public Optional<Map<String, Range>> chooseRanges(CalibrationContext context, Options options) {
        long cpu = THREADS.getCurrentThreadCpuTime();
        Optional<ClippingChoice> coarse = coarse(context, options.getDouble("step"), options.getInt("candidates"),
                options.findDouble("alpha").orElse(null), options.getInt("patience"), options.getInt("score_batches"));
        if (coarse.isEmpty()) {
            return Optional.empty();
        }
        ClippingChoice choice = coarse.get();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("alpha", rounded(choice.alpha()));
        summary.put("candidates", choice.candidates());
        summary.put("scored", choice.scored());
        summary.put("sites", choice.ranges().size());
        summary.put("output_mse_at_alpha_1", choice.errorAtOne());
        summary.put("output_mse_coarse", choice.outputError());
        summary.put("coarse_seconds", choice.seconds());
        summary.put("coarse_thread_cpu_seconds", cpuSeconds(cpu));
        Map<String, Range> chosen = choice.ranges();
        if (options.getBoolean("fine.enabled")) {
            long fineCpu = THREADS.getCurrentThreadCpuTime();
            FineStage.Result fine = new FineStage(options.getInt("fine.epochs"), options.getDouble("fine.lr")).learn(context, choice.ranges());
            fine.losses().forEach(step -> context.record("fine stage", step));
            summary.put("output_mse_fine", fine.outputError());
            summary.put("fine_seconds", fine.seconds());
            summary.put("fine_thread_cpu_seconds", cpuSeconds(fineCpu));
            chosen = fine.ranges();
        }
        for (Map.Entry<String, Range> site : choice.ranges().entrySet()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("site", site.getKey());
            row.put("alpha", rounded(choice.alpha()));
            row.put("coarse_min", site.getValue().min()[0]);
            row.put("coarse_max", site.getValue().max()[0]);
            row.put("min", chosen.get(site.getKey()).min()[0]);
            row.put("max", chosen.get(site.getKey()).max()[0]);
            context.record("ranges", row);
        }
        summary.put("summary", choice.summary());
        context.record("summary", summary);
        return Optional.of(chosen);
    }

    /** α without the binary noise of {@code 1 − k·step} (0.9500000000000001). */
    static double rounded(double alpha) {
        return Math.round(alpha * 1e6) / 1e6;
    }

    /**
     * The coarse stage: scores every α of the grid and keeps the best, recording each candidate.
     *
     * @return the choice, or empty if no site is a per-tensor activation site other than the attention probabilities
     */
    static Optional<ClippingChoice> coarse(CalibrationContext context, double step, int candidates) {
        return coarse(context, step, candidates, null, 0, 0);
    }

    /**
     * The coarse stage with a given α ({@code fixedAlpha}, scored once for the record) or a shorter
     * search: stops after {@code patience} candidates in a row without a new best (0: never), and
     * scores on the first {@code scoreBatches} batches (0: all).
     */
    static Optional<ClippingChoice> coarse(CalibrationContext context, double step, int candidates, Double fixedAlpha, int patience,
                                           int scoreBatches) {
        long start = System.nanoTime();
        Map<String, Range> estimated = context.estimatedRanges();
        Map<String, List<TokenExtrema>> extrema = new LinkedHashMap<>();
        int bits = QuantScheme.MAX_BITS;
        for (QuantizationSite site : context.sites()) {
            Range range = estimated.get(site.name());
            if (site.kind() == SiteKind.ATTENTION_PROBS || range == null) {
                continue;
            }
            QuantScheme scheme = context.params(site.name(), range).scheme();
            if (scheme.granularity() == Granularity.TENSOR) {
                bits = Math.min(bits, scheme.bits());
                extrema.put(site.name(), new ArrayList<>());
            }
        }
        if (extrema.isEmpty()) {
            return Optional.empty();
        }
        context.forEachBatch(extrema.keySet(), (b, values, mask) ->
                values.forEach((site, x) -> extrema.get(site).add(TokenExtrema.of(x, mask))));

        ClippingGrid grid = fixedAlpha == null ? ClippingGrid.of(step, candidates, bits) : ClippingGrid.single(fixedAlpha);
        int batches = scoreBatches == 0 ? Integer.MAX_VALUE : scoreBatches;
        ClippingChoice best = null;
        double errorAtOne = Double.NaN;
        int sinceBest = 0;
        int scored = 0;
        for (int k = 0; k < grid.count(); k++) {
            long candidateStart = System.nanoTime();
            long candidateCpu = THREADS.getCurrentThreadCpuTime();
            double alpha = grid.alpha(k);
            Map<String, Range> clipped = new LinkedHashMap<>();
            extrema.forEach((site, perBatch) -> clipped.put(site, TokenExtrema.range(perBatch, alpha)));
            Map<String, Range> all = new LinkedHashMap<>(estimated);
            all.putAll(clipped);
            double error = context.outputError(all, batches);
            scored++;
            double wall = seconds(candidateStart);
            context.record("candidates", Map.of("alpha", rounded(alpha), "output_mse", error,
                    "seconds", wall, "thread_cpu_seconds", cpuSeconds(candidateCpu)));
            context.log(String.format(Locale.ROOT, "α = %s (%d of %d): output MSE %s, %.1f s", rounded(alpha), k + 1, grid.count(),
                    scientific(error), wall));
            if (k == 0) {
                errorAtOne = error;
            }
            if (best == null || error < best.outputError()) {
                best = new ClippingChoice(alpha, grid.count(), scored, error, errorAtOne, clipped, 0);
                sinceBest = 0;
            } else if (patience > 0 && ++sinceBest >= patience) {
                break;
            }
        }
        return Optional.of(best.withSeconds(seconds(start), scored));
    }

    /**
     * CPU seconds of the calling thread since a {@link ThreadMXBean#getCurrentThreadCpuTime()}
     * reading, to the millisecond: with one ND4J thread the calling thread does all the work, so
     * this holds still when other processes take the cores (NaN where the JVM cannot measure it).
     */
    static double cpuSeconds(long start) {
        long now = THREADS.getCurrentThreadCpuTime();
        return start < 0 || now < 0 ? Double.NaN : Math.round((now - start) / 1e6) / 1e3;
    }

    /** Seconds since a {@link System#nanoTime()} reading, to the millisecond. */
    static double seconds(long start) {
        return Math.round((System.nanoTime() - start) / 1e6) / 1e3;
    }

    /** A number for a log line, e.g. 1.234e-03. */
    static String scientific(double value) {
        return String.format(Locale.ROOT, "%.3e", value);
    }
}
