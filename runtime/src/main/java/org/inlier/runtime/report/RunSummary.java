package org.inlier.runtime.report;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The headline numbers of one run, the columns of the papers' tables: floating-point quality,
 * max ∞-norm, average kurtosis, and quantized quality per precision.
 *
 * <p>Every metric is "lower is better" (perplexity, outlier magnitude, tailedness) except the
 * accuracy of classifiers, which replaces perplexity in their quality columns.
 */
public final class RunSummary {

    /** Column of the maximum ∞-norm over the headline sites. */
    public static final String MAX_INF_NORM = "max inf-norm";
    /** Column of the average kurtosis over the headline sites. */
    public static final String AVG_KURTOSIS = "avg kurtosis";

    private static final String PERPLEXITY_SUFFIX = " ppl";
    private static final String ACCURACY_SUFFIX = " acc";

    /** The papers' column order: floating-point quality, max ∞-norm, avg kurtosis, then quantized quality from the widest grid down. */
    public static final Comparator<String> COLUMN_ORDER = Comparator.comparingInt(RunSummary::rank)
            .thenComparing(c -> qualityPrecision(c) == null ? c : qualityPrecision(c), BitWidths.WIDEST_FIRST)
            .thenComparing(Comparator.naturalOrder());

    private RunSummary() {
    }

    /**
     * The metrics a report holds, by column name ({@code FP32 ppl}, {@code max inf-norm},
     * {@code avg kurtosis}, {@code W8A8 ppl}, ...; {@code FP32 acc}, {@code W8A8 acc} for
     * classifiers); a metric the run did not measure is absent.
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

    /** A classifier's quality is its accuracy; a language model's its perplexity. */
    private static void putQuality(Map<String, Double> metrics, Map<String, Object> row) {
        String precision = Sections.text(row, "precision");
        double accuracy = Sections.number(row, "accuracy");
        if (Double.isFinite(accuracy)) {
            putFinite(metrics, precision + ACCURACY_SUFFIX, accuracy);
        } else {
            putFinite(metrics, qualityColumn(precision), Sections.number(row, "perplexity"));
        }
    }

    /** Whether larger values of a column are better: accuracy columns. */
    public static boolean higherIsBetter(String column) {
        return column.endsWith(ACCURACY_SUFFIX);
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
        return precision + PERPLEXITY_SUFFIX;
    }

    /** The precision a perplexity column is about, or {@code null} if the column is not a perplexity column. */
    public static String precisionOf(String column) {
        return column.endsWith(PERPLEXITY_SUFFIX) ? column.substring(0, column.length() - PERPLEXITY_SUFFIX.length()) : null;
    }

    /** The precision a perplexity or accuracy column is about, or {@code null} for other columns. */
    private static String qualityPrecision(String column) {
        return higherIsBetter(column) ? column.substring(0, column.length() - ACCURACY_SUFFIX.length()) : precisionOf(column);
    }
}
