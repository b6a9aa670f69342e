package org.inlier.plugins.suppression;

import java.util.Locale;
import java.util.Map;
import org.inlier.api.quant.Range;

/**
 * The outcome of Token-Wise Clipping's coarse search.
 *
 * @param alpha        the chosen α, shared by every clipped site
 * @param candidates   how many α were scored
 * @param outputError  the final-output MSE with the chosen ranges
 * @param errorAtOne   the final-output MSE at α = 1 (each batch's largest token maximum and smallest minimum, averaged)
 * @param ranges       the chosen range of every clipped site
 */
record ClippingChoice(double alpha, int candidates, double outputError, double errorAtOne, Map<String, Range> ranges) {

    ClippingChoice {
        ranges = Map.copyOf(ranges);
    }

    /**
     * One line for the run's log and report, e.g.
     * {@code α = 0.96 of 20 candidates: output MSE 1.2e-03 (4.5e-03 at α = 1), 23 sites clipped}.
     */
    String summary() {
        // α rounded to 6 decimals: 1 − k·step carries binary noise (0.9500000000000001).
        return String.format(Locale.ROOT, "α = %s of %d candidates: output MSE %.3e (%.3e at α = 1), %d sites clipped",
                Math.round(alpha * 1e6) / 1e6, candidates, outputError, errorAtOne, ranges.size());
    }
}
