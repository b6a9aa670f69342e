package org.inlier.runtime.report;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The headline numbers of one run, the columns of the papers' tables: floating-point quality,
 * max ∞-norm, average kurtosis, and quantized quality per precision.
 *
 * <p>Quality is perplexity for language models, accuracy for classifiers, and for an encoder
 * without a head its fidelity to the float model (pooled cosine, output SQNR) and the accuracy of
 * the linear probe, each a column per precision ({@code W8A8 cosine}, {@code W8A8 probe acc}).
 * Perplexity, outlier magnitude and tailedness are "lower is better"; the other quality metrics
 * are "higher is better".
 */
public final class RunSummary {

    /** Column of the maximum ∞-norm over the headline sites. */
    public static final String MAX_INF_NORM = "max inf-norm";
    /** Column of the average kurtosis over the headline sites. */
    public static final String AVG_KURTOSIS = "avg kurtosis";

    /**
     * A quality metric of a precision: its column suffix, the quality-table field it comes from,
     * and whether higher values are better.
     */
    private record QualityMetric(String suffix, String field, boolean higherIsBetter) {
    }

    private static final QualityMetric PERPLEXITY = new QualityMetric(" ppl", "perplexity", false);
    private static final QualityMetric ACCURACY = new QualityMetric(" acc", "accuracy", true);

    /** In column order within a precision: the papers' quality first, then an encoder's fidelity and probe. */
    private static final List<QualityMetric> QUALITY_METRICS = List.of(PERPLEXITY, ACCURACY,
            new QualityMetric(" cosine", "pooled_cosine", true),
            new QualityMetric(" SQNR dB", "output_sqnr_db", true),
            new QualityMetric(" probe acc", "probe_accuracy", true));

    /** The papers' column order: floating-point quality, max ∞-norm, avg kurtosis, then quantized quality from the widest grid down. */
    public static final Comparator<String> COLUMN_ORDER = Comparator.comparingInt(RunSummary::rank)
            .thenComparing(c -> qualityPrecision(c) == null ? c : qualityPrecision(c), BitWidths.WIDEST_FIRST)
            .thenComparingInt(c -> metricOf(c) == null ? -1 : QUALITY_METRICS.indexOf(metricOf(c)))
            .thenComparing(Comparator.naturalOrder());

    private RunSummary() {
    }

    /**
     * The metrics a report holds, by column name ({@code FP32 ppl}, {@code max inf-norm},
     * {@code avg kurtosis}, {@code W8A8 ppl}, ...; {@code FP32 acc}, {@code W8A8 acc} for
     * classifiers; {@code W8A8 cosine}, {@code W8A8 SQNR dB}, {@code W8A8 probe acc} for encoders);
     * a metric the run did not measure is absent.
     */
    public static Map<String, Double> of(Sections sections) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (Map<String, Object> row : sections.rows(Sections.QUALITY)) {
            if (BitWidths.isFloat(Sections.text(row, "precision"))) {
                putQuality(metrics, row);
            }
        }
        Map<String, Object> outliers = sections.values(Sections.OUTLIERS);
        putFinite(metrics, MAX_INF_NORM, Sections.number(outliers, "max_inf_norm"));
        putFinite(metrics, AVG_KURTOSIS, Sections.number(outliers, "avg_kurtosis"));
        for (Map<String, Object> row : sections.rows(Sections.QUALITY)) {
            if (!BitWidths.isFloat(Sections.text(row, "precision"))) {
                putQuality(metrics, row);
            }
        }
        return metrics;
    }

    /**
     * A classifier's quality is its accuracy, a language model's its perplexity (the papers'
     * columns; their fidelity stays in the report); a model with neither, an encoder without a
     * head, is judged by its fidelity and probe.
     */
    private static void putQuality(Map<String, Double> metrics, Map<String, Object> row) {
        String precision = Sections.text(row, "precision");
        if (Double.isFinite(Sections.number(row, ACCURACY.field()))) {
            putFinite(metrics, precision + ACCURACY.suffix(), Sections.number(row, ACCURACY.field()));
        } else if (Double.isFinite(Sections.number(row, PERPLEXITY.field()))) {
            putFinite(metrics, precision + PERPLEXITY.suffix(), Sections.number(row, PERPLEXITY.field()));
        } else {
            for (QualityMetric metric : QUALITY_METRICS.subList(2, QUALITY_METRICS.size())) {
                putFinite(metrics, precision + metric.suffix(), Sections.number(row, metric.field()));
            }
        }
    }

    /** Whether larger values of a column are better: accuracy, cosine and SQNR columns. */
    public static boolean higherIsBetter(String column) {
        QualityMetric metric = metricOf(column);
        return metric != null && metric.higherIsBetter();
    }

    /** A model without a loss (a pretrained encoder without its head) has no perplexity: the column stays absent. */
    private static void putFinite(Map<String, Double> metrics, String column, double value) {
        if (Double.isFinite(value)) {
            metrics.putIfAbsent(column, value);
        }
    }

    private static int rank(String column) {
        String precision = qualityPrecision(column);
        if (precision != null) {
            return BitWidths.isFloat(precision) ? 0 : 3;
        }
        return switch (column) {
            case MAX_INF_NORM -> 1;
            case AVG_KURTOSIS -> 2;
            default -> 4;
        };
    }

    /** The column holding the perplexity at a precision. */
    public static String qualityColumn(String precision) {
        return precision + PERPLEXITY.suffix();
    }

    /** The precision a perplexity column is about, or {@code null} if the column is not a perplexity column. */
    public static String precisionOf(String column) {
        return metricOf(column) == PERPLEXITY ? column.substring(0, column.length() - PERPLEXITY.suffix().length()) : null;
    }

    /** The precision any quality column is about, or {@code null} for other columns. */
    public static String qualityPrecision(String column) {
        QualityMetric metric = metricOf(column);
        return metric == null ? null : column.substring(0, column.length() - metric.suffix().length());
    }

    /** The quality metric of a column; the longest matching suffix wins ("probe acc" over "acc"). */
    private static QualityMetric metricOf(String column) {
        QualityMetric found = null;
        for (QualityMetric metric : QUALITY_METRICS) {
            if (column.endsWith(metric.suffix()) && (found == null || metric.suffix().length() > found.suffix().length())) {
                found = metric;
            }
        }
        return found;
    }
}
