package org.inlier.runtime.report.plots;

import java.util.List;
import java.util.Optional;

/** One plot of a report, drawn from report sections only, so it can be redrawn from {@code report.json} alone. */
public interface ReportPlot {

    /** The PNG's file name under {@code plots/}, e.g. {@code training-curve.png}. */
    String file();

    /** The caption. */
    String title();

    /** The sections the plot reads; it is redrawn only when one of them changed. */
    List<String> sections();

    /**
     * Whether the plot belongs only to some kinds of model (an image model's patch grid), so that a
     * report without its data leaves it out without listing it as not plotted.
     */
    default boolean onlySomeModels() {
        return false;
    }

    /**
     * Draws the plot.
     *
     * @param series one entry per line or bar group; plots of a single run use the first that has data
     * @return the encoded PNG, or empty when none of the series holds the data (nothing is an error)
     */
    Optional<byte[]> png(List<ReportSeries> series);
}
