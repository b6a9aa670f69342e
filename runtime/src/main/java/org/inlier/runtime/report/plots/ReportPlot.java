package org.inlier.runtime.report.plots;

import java.util.List;
import java.util.Optional;
import org.knowm.xchart.internal.chartpart.Chart;

/** One plot of a report, drawn from report sections only, so it can be redrawn from {@code report.json} alone. */
public interface ReportPlot {

    /** The PNG's file name under {@code plots/}, e.g. {@code training-curve.png}. */
    String file();

    /** The caption. */
    String title();

    /** The sections the plot reads; it is redrawn only when one of them changed. */
    List<String> sections();

    /**
     * Draws the plot.
     *
     * @param series one entry per line or bar group; plots of a single run use the first that has data
     * @return the chart, or empty when none of the series holds the data (nothing is an error)
     */
    Optional<Chart<?, ?>> draw(List<ReportSeries> series);
}
