package org.inlier.runtime.report.plots;

import java.util.List;
import java.util.Optional;
import org.knowm.xchart.internal.chartpart.Chart;

/** A plot that is one XChart chart in the report's {@link ChartStyle}; plots that are not charts implement {@link ReportPlot} directly. */
interface ChartPlot extends ReportPlot {

    /**
     * Draws the chart.
     *
     * @param series one entry per line or bar group; plots of a single run use the first that has data
     * @return the chart, or empty when none of the series holds the data
     */
    Optional<Chart<?, ?>> draw(List<ReportSeries> series);

    @Override
    default Optional<byte[]> png(List<ReportSeries> series) {
        return draw(series).map(ChartStyle::png);
    }
}
