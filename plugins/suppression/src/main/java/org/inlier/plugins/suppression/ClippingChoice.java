package org.inlier.plugins.suppression;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.inlier.api.quant.Range;

/**
 * The outcome of Token-Wise Clipping's coarse search.
 *
 * @param alpha        the chosen α, shared by every clipped site
 * @param candidates   how many α the grid holds
 * @param scored       how many of them were scored (fewer when the search stopped early)
 * @param outputError  the final-output MSE with the chosen ranges
 * @param errorAtOne   the final-output MSE at α = 1 (each batch's largest token maximum and smallest minimum, averaged)
 * @param ranges       the chosen range of every clipped site
 * @param seconds      how long the search took, token extrema included
 */
record ClippingChoice(double alpha, int candidates, int scored, double outputError, double errorAtOne, Map<String, Range> ranges,
                      double seconds) {

    ClippingChoice {
        ranges = Collections.unmodifiableMap(new LinkedHashMap<>(ranges)); // in site order
    }

    /** The same choice with the search's duration and the number of candidates it scored in the end. */
    ClippingChoice withSeconds(double duration, int scoredInTheEnd) {
        return new ClippingChoice(alpha, candidates, scoredInTheEnd, outputError, errorAtOne, ranges, duration);
    }

    /**
     * One line for the run's log and report, e.g.
     * {@code α = 0.96 of 20 candidates: output MSE 1.2e-03 (4.5e-03 at α = 1), 23 sites clipped}, with
     * {@code (8 scored)} after the count when the search stopped early.
     */
    String summary() {
        return String.format(Locale.ROOT, "α = %s of %d candidates%s: output MSE %.3e (%.3e at α = 1), %d sites clipped",
                TokenWiseClipping.rounded(alpha), candidates, scored < candidates ? " (" + scored + " scored)" : "", outputError, errorAtOne,
                ranges.size());
    }
}
