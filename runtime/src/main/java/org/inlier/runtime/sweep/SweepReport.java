package org.inlier.runtime.sweep;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.inlier.runtime.report.BitWidths;
import org.inlier.runtime.report.Comparison;
import org.inlier.runtime.report.MeanStd;
import org.inlier.runtime.report.ReportDocument;
import org.inlier.runtime.report.ReportFolder;
import org.inlier.runtime.report.RunReport;
import org.inlier.runtime.report.RunSummary;
import org.inlier.runtime.report.Sections;
import org.inlier.runtime.report.StoredReport;
import org.inlier.runtime.report.plots.FigureRenderer;
import org.inlier.runtime.report.plots.ReportPlots;
import org.inlier.runtime.report.plots.ReportSeries;

/**
 * A sweep's report, like the papers' tables: one row per configuration, the metric columns of
 * {@link RunSummary} with mean ± std over seeds, the best of each column marked, and plots
 * comparing the configurations; plus every point with its status and numbers.
 *
 * <p>Bit-width axes ({@code quantize.activations.bits}) become columns, one per precision, when
 * the points they tell apart share one training; otherwise every swept value is its own row.
 */
final class SweepReport {

    /** The label column of a sweep that varies nothing but the seed. */
    private static final String CONFIGURATION = "configuration";

    private final Path dir;
    private final SweepPlan plan;
    private final SweepProgress progress;
    private final Map<String, Sections> finished = new LinkedHashMap<>();
    private final Set<String> folded = new HashSet<>();
    private final Map<Map<String, Object>, List<SweepPoint>> rows = new LinkedHashMap<>();

    /**
     * Collects the finished points' reports.
     *
     * @param dir      the sweep's folder
     * @param plan     the sweep
     * @param progress which points finished
     */
    SweepReport(Path dir, SweepPlan plan, SweepProgress progress) {
        this.dir = dir;
        this.plan = plan;
        this.progress = progress;
        for (SweepPoint point : plan.points()) {
            if (progress.isDone(point.id())) {
                finished.put(point.id(), StoredReport.read(Sweep.pointDir(dir, point)).sections());
            }
        }
        plan.axes().stream().filter(SweepAxis::isBitWidth).forEach(a -> folded.add(a.key()));
        group();
        if (!folded.isEmpty() && !foldable()) {
            folded.clear();
            group();
        }
    }

    /** The comparison table of the finished points. */
    Comparison comparison() {
        List<Comparison.Row> table = new ArrayList<>();
        rows.forEach((label, points) -> table.add(new Comparison.Row(label, samples(points))));
        return new Comparison(table);
    }

    /** Writes report.json, report.md, report.html and the plots into the sweep's folder. */
    void write() {
        Comparison comparison = comparison();
        List<ReportSeries> series = new ArrayList<>();
        List<Map<String, Object>> table = comparison.table();
        int i = 0;
        for (Map.Entry<Map<String, Object>, List<SweepPoint>> row : rows.entrySet()) {
            series(row.getKey(), row.getValue(), table.get(i++)).ifPresent(series::add);
        }
        FigureRenderer.Figures figures = new FigureRenderer().render(ReportPlots.COMPARISON, series);

        Map<String, Object> sections = new LinkedHashMap<>();
        sections.put("comparison", table);
        sections.put("points", points());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("schema", RunReport.SCHEMA_VERSION);
        json.put("kind", "sweep");
        json.put("sweep", dir.getFileName().toString());
        json.put("written", Instant.now().toString());
        json.put("name", plan.name());
        Map<String, Object> axes = new LinkedHashMap<>();
        plan.axes().forEach(a -> axes.put(a.key(), a.values().stream().map(SweepAxis::text).toList()));
        json.put("axes", axes);
        json.put("sections", sections);
        List<Map<String, Object>> labels = new ArrayList<>(rows.keySet());
        Map<String, Object> best = new LinkedHashMap<>();
        comparison.best().forEach((metric, bestRows) -> best.put(metric, bestRows.stream().map(labels::get).toList()));
        json.put("best", best);

        Map<String, Object> shown = new LinkedHashMap<>(sections);
        shown.put("comparison", comparison.marked(text -> "**" + text + "**"));
        ReportFolder.write(dir, json, new ReportDocument("Sweep " + dir.getFileName(), intro(), figures, shown));
    }

    private void group() {
        rows.clear();
        for (SweepPoint point : plan.points()) {
            rows.computeIfAbsent(label(point), l -> new ArrayList<>()).add(point);
        }
    }

    private Map<String, Object> label(SweepPoint point) {
        Map<String, Object> label = point.label();
        label.keySet().removeAll(folded);
        return label.isEmpty() ? Map.of(CONFIGURATION, plan.name()) : label;
    }

    /** Folding needs, per row and seed, one training and no precision measured twice. */
    private boolean foldable() {
        for (List<SweepPoint> points : rows.values()) {
            Map<Long, List<SweepPoint>> bySeed = bySeed(points);
            for (List<SweepPoint> same : bySeed.values()) {
                if (same.stream().map(p -> SharedTraining.key(p.config())).distinct().count() > 1) {
                    return false;
                }
                Set<String> precisions = new HashSet<>();
                for (SweepPoint p : same) {
                    Map<String, Double> summary = finished.containsKey(p.id()) ? RunSummary.of(finished.get(p.id())) : Map.of();
                    Set<String> measured = summary.keySet().stream().map(RunSummary::qualityPrecision)
                            .filter(precision -> precision != null && !BitWidths.isFloat(precision)).collect(Collectors.toSet());
                    for (String precision : measured) {
                        if (!precisions.add(precision)) {
                            return false;
                        }
                    }
                }
            }
        }
        return true;
    }

    /** One sample per seed: the metrics of the row's finished points with that seed, merged. */
    private List<Map<String, Double>> samples(List<SweepPoint> points) {
        List<Map<String, Double>> samples = new ArrayList<>();
        for (List<SweepPoint> same : bySeed(points).values()) {
            Map<String, Double> merged = new LinkedHashMap<>();
            same.stream().filter(p -> finished.containsKey(p.id())).forEach(p -> RunSummary.of(finished.get(p.id())).forEach(merged::putIfAbsent));
            if (!merged.isEmpty()) {
                samples.add(merged);
            }
        }
        return samples;
    }

    private static Map<Long, List<SweepPoint>> bySeed(List<SweepPoint> points) {
        return points.stream().collect(Collectors.groupingBy(p -> p.config().seed(), LinkedHashMap::new, Collectors.toList()));
    }

    /**
     * A configuration as a plotted series: the curves and per-layer metrics of its first finished
     * point, the quality of every precision as the mean over seeds.
     */
    private Optional<ReportSeries> series(Map<String, Object> label, List<SweepPoint> points, Map<String, Object> cells) {
        return points.stream().filter(p -> finished.containsKey(p.id())).findFirst().map(first -> {
            Map<String, Object> sections = new LinkedHashMap<>(finished.get(first.id()).map());
            List<Map<String, Object>> quality = new ArrayList<>();
            cells.forEach((column, value) -> {
                String precision = RunSummary.precisionOf(column);
                if (precision != null) {
                    quality.add(Map.of("precision", precision, "perplexity", value instanceof MeanStd m ? m.mean() : value));
                }
            });
            sections.put(Sections.QUALITY, quality);
            String text = label.values().stream().map(Objects::toString).collect(Collectors.joining(", "));
            return new ReportSeries(text, new Sections(sections));
        });
    }

    private List<Map<String, Object>> points() {
        List<Map<String, Object>> table = new ArrayList<>();
        for (SweepPoint point : plan.points()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("point", point.id());
            row.putAll(point.label());
            if (plan.repeated()) {
                row.put("seed", point.config().seed());
            }
            SweepProgress.Outcome outcome = progress.of(point.id()).orElse(null);
            row.put("status", outcome == null ? "pending" : outcome.status());
            row.put("trained in", outcome == null ? "" : outcome.trainedIn());
            if (finished.containsKey(point.id())) {
                row.putAll(RunSummary.of(finished.get(point.id())));
            } else if (outcome != null && outcome.message() != null) {
                row.put("message", outcome.message());
            }
            table.add(row);
        }
        return table;
    }

    private String intro() {
        long trainings = plan.trainingCount();
        String axes = plan.axes().stream().map(SweepAxis::key).collect(Collectors.joining(" × "));
        return "Pipeline `" + plan.name() + "`: " + plan.points().size() + " points over " + axes + ", " + trainings
                + (trainings == 1 ? " training" : " trainings") + " (points with identical training share one); " + finished.size()
                + " finished. Best value of each column in bold" + (plan.repeated() ? "; mean ± std over seeds" : "")
                + ". Each point is a run in `points/`: `inlier report <point> --runs " + dir.resolve("points") + "`.";
    }
}
