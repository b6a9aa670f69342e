package org.inlier.runtime.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Read access to a report's sections, whether kept by a live run or read back from
 * {@code report.json}: a section is a table (a list of rows) or a map of named values, and a
 * number may come as any {@link Number}.
 *
 * <p>The section names are defined here once, for the stages that write them and for the plots
 * and comparisons that read them.
 *
 * @param map section name to a list of rows or a map of values
 */
public record Sections(Map<String, Object> map) {

    /** Table: one row per logged training step ({@code step}, {@code loss}, {@code lr}). */
    public static final String TRAINING_CURVE = "training curve";
    /** Table: headline outlier metrics on a held-out batch during training ({@code step}, {@code max_inf_norm}, {@code avg_kurtosis}). */
    public static final String OUTLIERS_DURING_TRAINING = "outliers during training";
    /** Table: perplexity per precision ({@code precision} such as FP32 or W8A8, {@code loss}, {@code perplexity}; {@code accuracy} for classifiers). */
    public static final String QUALITY = "quality";
    /** Table: outlier metrics of the floating-point model per site ({@code site}, {@code inf_norm}, {@code kurtosis}, {@code max_abs}, optional {@code headline}). */
    public static final String OUTLIERS_PER_SITE = "outliers per site";
    /** Values: the papers' headline metrics ({@code max_inf_norm}, {@code avg_kurtosis}, {@code over}). */
    public static final String OUTLIERS = "outliers";
    /** Table: quantization error per site ({@code precision}, {@code site}, {@code bits}, {@code sqnr_db}). */
    public static final String SQNR = "per-site SQNR";
    /** Table: the largest hidden dimensions per site and the token producing each ({@code site}, {@code dimension}, {@code max_abs}, {@code token}, ...). */
    public static final String OUTLIER_DIMENSIONS = "outlier dimensions and tokens";
    /**
     * Table: attention mass per head on the first and on delimiter tokens ({@code site}, {@code head}, {@code first_token_mass},
     * {@code delimiter_mass}); for image models the first token is the class token ({@code first_token}: {@code class token},
     * {@code uniform_mass}: what uniform attention would give it) and there are no delimiters.
     */
    public static final String ATTENTION_SINKS = "attention sinks";
    /**
     * Table: for a few test images of an image model, the outlier magnitude per patch at the site
     * with the largest ∞-norm ({@code image}, {@code class}, {@code site}, {@code grid}, {@code class_token},
     * {@code hottest}, {@code hottest_max_abs}, {@code patch_max_abs} as grid² values row-major, {@code pixels} 0–255 row-major).
     */
    public static final String PATCH_OUTLIERS = "outliers per image patch";
    /** Table: a histogram of the activations at the worst site ({@code site}, {@code lower}, {@code upper}, {@code count}). */
    public static final String ACTIVATION_HISTOGRAM = "activation histogram";
    /** Table: the quantization grid at the histogram's site per precision ({@code precision}, {@code site}, {@code clip_min}, {@code clip_max}, {@code levels}). */
    public static final String QUANTIZATION_GRID = "quantization grid";
    /** Table: every site a quantize stage's profile selects, at its precision ({@code precision}, {@code site}, {@code bits} or {@code float}, {@code granularity}). */
    public static final String SITE_PRECISION = "site precision";
    /** Table: quantized sites ranked by the model output's error when only that site is quantized ({@code rank}, {@code site}, {@code output_mse}, {@code output_sqnr_db}, {@code kept_as}). */
    public static final String SITE_SENSITIVITY = "site sensitivity";
    /** Table: output error and mean bits with the worst k sites kept, per k ({@code precision}, {@code kept}, {@code site}, {@code output_mse}, {@code output_sqnr_db}, {@code weight_bits}, {@code activation_bits}). */
    public static final String SENSITIVITY_TRADE_OFF = "sensitivity trade-off";
    /** Values: the labelled task of an encoder without an LM head, how its probe was trained and how the data was split. */
    public static final String LINEAR_PROBE = "linear probe";
    /** Values: which point of a sweep trained the checkpoint this run reused ({@code trained_in}, {@code checkpoint}). */
    public static final String SHARED_TRAINING = "shared training";

    /** Whether the report has a non-empty section of this name. */
    public boolean has(String section) {
        Object value = map.get(section);
        return value instanceof List<?> rows ? !rows.isEmpty() : value instanceof Map<?, ?> values && !values.isEmpty();
    }

    /** The rows of a table section; empty if there is no such table. */
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> rows(String section) {
        return map.get(section) instanceof List<?> rows ? (List<Map<String, Object>>) rows : List.of();
    }

    /** The values of a values section; empty if there is no such section. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> values(String section) {
        return map.get(section) instanceof Map<?, ?> values ? (Map<String, Object>) values : Map.of();
    }

    /** A copy of the named sections that later changes to this report do not affect (rows are never changed once added). */
    public Map<String, Object> snapshot(List<String> names) {
        Map<String, Object> copy = new LinkedHashMap<>();
        for (String name : names) {
            Object value = map.get(name);
            copy.put(name, value instanceof List<?> rows ? new ArrayList<>(rows) : value instanceof Map<?, ?> values ? new LinkedHashMap<>(values) : null);
        }
        return copy;
    }

    /** A numeric field of a row, or NaN if it is missing or not a number. */
    public static double number(Map<String, Object> row, String key) {
        return row.get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** A field of a row as text; empty if it is missing. */
    public static String text(Map<String, Object> row, String key) {
        Object value = row.get(key);
        return value == null ? "" : String.valueOf(value);
    }
}
