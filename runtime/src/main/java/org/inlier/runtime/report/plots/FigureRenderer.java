package org.inlier.runtime.report.plots;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Draws a report's plots. A run's report is rewritten after every stage, so a plot is redrawn
 * only when the sections it reads changed since the last call.
 *
 * <p>A plot that cannot be drawn never fails the run that writes the report: it is listed as
 * skipped, with the reason (a plot of other kinds of model without data is left out unlisted).
 */
public final class FigureRenderer {

    /** A plot left out of a report, and why. */
    public record Skipped(String title, String reason) {
    }

    /**
     * The outcome of drawing a report's plots.
     *
     * @param drawn   the figures, in the report's order
     * @param skipped the plots without data (or that failed), in the same order
     */
    public record Figures(List<Figure> drawn, List<Skipped> skipped) {
    }

    private record Drawn(List<Object> inputs, Optional<Figure> figure) {
    }

    private final Map<String, Drawn> cache = new HashMap<>();

    /**
     * Draws every plot that has data.
     *
     * @param plots  the plots, in order
     * @param series the data, one entry per line or bar group
     */
    public synchronized Figures render(List<ReportPlot> plots, List<ReportSeries> series) {
        List<Figure> drawn = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        for (ReportPlot plot : plots) {
            List<Object> inputs = new ArrayList<>();
            series.forEach(s -> inputs.add(List.of(s.label(), s.sections().snapshot(plot.sections()))));
            Drawn previous = cache.get(plot.file());
            Optional<Figure> figure;
            try {
                figure = previous != null && previous.inputs().equals(inputs) ? previous.figure() : draw(plot, series);
            } catch (RuntimeException e) {
                skipped.add(new Skipped(plot.title(), "could not be drawn: " + e));
                continue;
            }
            cache.put(plot.file(), new Drawn(inputs, figure));
            if (figure.isPresent()) {
                drawn.add(figure.get());
            } else if (!plot.onlySomeModels()) {
                skipped.add(new Skipped(plot.title(), "no data"));
            }
        }
        return new Figures(drawn, skipped);
    }

    private static Optional<Figure> draw(ReportPlot plot, List<ReportSeries> series) {
        return plot.png(series).map(png -> new Figure(plot.file(), plot.title(), png));
    }
}
