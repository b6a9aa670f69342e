package org.inlier.runtime.report.plots;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

/** The one look of every report plot (size, background, legend) and its PNG encoding. */
final class ChartStyle {

    static {
        // Reports are written on servers and in CI, where there is no display.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** Wide enough for a per-site axis of a few layers, small enough to embed several in one page. */
    private static final int WIDTH = 960;
    private static final int HEIGHT = 540;

    private ChartStyle() {
    }

    /** A line chart. */
    static XYChart lines(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        common(chart.getStyler());
        chart.getStyler().setMarkerSize(0);
        return chart;
    }

    /** A bar chart with the bars of each category side by side. */
    static CategoryChart bars(String title, String xTitle, String yTitle) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        common(chart.getStyler());
        chart.getStyler().setOverlapped(false);
        chart.getStyler().setAvailableSpaceFill(0.8);
        return chart;
    }

    /** A heat map. */
    static HeatMapChart heatMap(String title, String xTitle, String yTitle) {
        HeatMapChart chart = new HeatMapChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        return chart;
    }

    /** Hides the legend when it would only repeat the axis title. */
    static void legendIfSeveral(Chart<?, ?> chart, int series) {
        chart.getStyler().setLegendVisible(series > 1);
    }

    /** The chart as PNG bytes. */
    static byte[] png(Chart<?, ?> chart) {
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode plot '" + chart.getTitle() + "' as PNG", e);
        }
    }

    private static void common(Styler styler) {
        styler.setChartBackgroundColor(java.awt.Color.WHITE);
        styler.setLegendPosition(Styler.LegendPosition.OutsideS);
        styler.setLegendLayout(Styler.LegendLayout.Horizontal);
        styler.setAntiAlias(true);
    }
}
