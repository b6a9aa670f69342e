package org.inlier.runtime.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.inlier.runtime.config.PipelineLoader;
import org.inlier.runtime.plugins.PluginDiscovery;
import org.inlier.runtime.plugins.PluginRegistry;
import org.inlier.runtime.report.ReportChecks;
import org.inlier.runtime.report.Sections;
import org.inlier.runtime.report.Tables;
import org.inlier.runtime.stages.RunEvents;
import org.inlier.runtime.stages.StageCatalog;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real 2 × 2 sweep of tiny models on generated text: its points' reports, its own report, and resuming it. */
class TinySweepTest {

    private static final PluginRegistry PLUGINS = PluginDiscovery.discover(null);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static Path sweepDir;
    private static SweepPlan plan;
    private static Sweep.Outcome first;
    private static final Map<String, List<String>> events = new LinkedHashMap<>();

    @BeforeAll
    static void runTheSweep() throws Exception {
        Path corpus = text(dir);
        String file = """
                name: tiny-sweep
                seed: 3
                model: { family: decoder-clm, layers: 1, hidden: 16, heads: 2, ffn: 32, seq: 8 }
                data: { set: text-file, path: "%s" }
                backend: { id: nd4j-cpu, threads: 1 }
                stages:
                  - train: { steps: 6, batch: 4, lr: 1.0e-2, warmup: 1, checkpoint_every: 3, log_every: 2, metrics_every: 3 }
                  - calibrate: { batches: 1, batch: 4 }
                  - quantize: { weights: { bits: 8 }, activations: { bits: 8 } }
                  - evaluate: { batches: 2, batch: 4 }
                sweep:
                  attention.variant: [vanilla, clipped-softmax]
                  quantize.activations.bits: [8, 4]
                """.formatted(corpus.toAbsolutePath());
        plan = SweepPlan.of(PipelineLoader.parse(file, "tiny.yaml", "tiny.yaml"), "tiny.yaml", "tiny", PLUGINS, StageCatalog.builtIn());
        sweepDir = Files.createDirectories(dir.resolve("runs/tiny-sweep"));
        first = sweep().run(plan, sweepDir, point -> recorder(events, point));
    }

    private static Sweep sweep() {
        return new Sweep(PLUGINS, StageCatalog.builtIn(), dir.resolve("cache"));
    }

    /** Records each point's event types, with the stage of progress events ("progress:train"). */
    private static RunEvents recorder(Map<String, List<String>> events, SweepPoint point) {
        List<String> log = events.computeIfAbsent(point.id(), id -> new ArrayList<>());
        return (type, data) -> log.add(type.equals("progress") ? "progress:" + data.get("stage")
                : type.equals("sweep.point") ? "sweep.point:" + data.get("status") : type);
    }

    private Path point(String id) {
        return sweepDir.resolve("points").resolve(id);
    }

    @Test
    void aSweepOfTwoByTwoPointsTrainsOnlyTwice() throws Exception {
        assertThat(first.done()).as(Files.readString(sweepDir.resolve(SweepProgress.FILE))).isEqualTo(4);
        List<String> trained = events.entrySet().stream().filter(e -> e.getValue().contains("progress:train")).map(Map.Entry::getKey).toList();
        assertThat(trained).containsExactly("p01-vanilla-8", "p03-clipped-softmax-8");
        Map<String, Object> reused = ReportChecks.json(point("p02-vanilla-4"));
        assertThat(reused).extracting("sections").extracting(Sections.SHARED_TRAINING).extracting("trained_in").isEqualTo("p01-vanilla-8");
        assertThat(reused).extracting("sections").extracting("training").extracting("resumed_from_step").isEqualTo(6);
    }

    @Test
    void theReportOfATinyRunContainsEverySectionAndValidPlots() throws Exception {
        Path run = point("p01-vanilla-8");
        Map<String, Object> json = ReportChecks.json(run);

        assertThat(json).extracting("sections").asInstanceOf(InstanceOfAssertFactories.MAP).containsKeys(
                Sections.TRAINING_CURVE, Sections.OUTLIERS_DURING_TRAINING, "training", "calibration", "quantization", Sections.QUALITY,
                Sections.OUTLIERS_PER_SITE, Sections.OUTLIERS, Sections.SQNR, Sections.OUTLIER_DIMENSIONS, Sections.ATTENTION_SINKS);
        assertThat(ReportChecks.figuresAreValidPngs(run)).contains("plots/training-curve.png", "plots/quality-vs-bit-width.png",
                "plots/layer-inf-norm.png", "plots/layer-kurtosis.png", "plots/per-site-sqnr.png");
        ReportChecks.markdownNumbersEqualJson(run);
        String md = Files.readString(run.resolve("report.md"));
        for (String section : List.of(Sections.TRAINING_CURVE, Sections.QUALITY, Sections.OUTLIERS_PER_SITE, "## plots")) {
            assertThat(md).contains(section);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theSweepReportHasOneRowPerVariantAndOneColumnPerPrecision() throws Exception {
        Map<String, Object> json = ReportChecks.json(sweepDir);
        List<Map<String, Object>> comparison = (List<Map<String, Object>>) ((Map<String, Object>) json.get("sections")).get("comparison");

        assertThat(comparison).extracting(r -> r.get("attention.variant")).containsExactly("vanilla", "clipped-softmax");
        assertThat(comparison.get(0).keySet()).containsExactly("attention.variant", "FP32 ppl", "max inf-norm", "avg kurtosis",
                "W8A8 ppl", "W8A4 ppl");
        assertThat(first.comparison().table()).hasSize(2);
        ReportChecks.figuresAreValidPngs(sweepDir);
        String md = Files.readString(sweepDir.resolve("report.md"));
        assertThat(md).contains("## comparison", "## points", "**");
        double vanillaW8A8 = ((Number) comparison.get(0).get("W8A8 ppl")).doubleValue();
        assertThat(ReportChecks.markdownTables(md).get("comparison").get(0).get("W8A8 ppl").replace("**", ""))
                .isEqualTo(Tables.format(vanillaW8A8));
    }

    @Test
    void resumingSkipsTheFinishedPoints() throws Exception {
        Path progress = sweepDir.resolve(SweepProgress.FILE);
        ObjectNode unfinished = (ObjectNode) JSON.readTree(progress.toFile());
        // As if the sweep had stopped before its last point.
        unfinished.remove("p04-clipped-softmax-4");
        JSON.writeValue(progress.toFile(), unfinished);
        Map<String, List<String>> resumedEvents = new LinkedHashMap<>();

        Sweep.Outcome resumed = sweep().run(plan, sweepDir, point -> recorder(resumedEvents, point));

        assertThat(resumed.skipped()).isEqualTo(3);
        assertThat(resumed.done()).isEqualTo(4);
        assertThat(resumedEvents.get("p01-vanilla-8")).containsExactly("sweep.point:skipped");
        assertThat(resumedEvents.get("p04-clipped-softmax-4")).contains("sweep.point:done").doesNotContain("progress:train");
    }

    /** A few thousand lines of simple generated English. */
    private static Path text(Path dir) throws IOException {
        String[] subjects = {"the cat", "a dog", "the old man", "my sister", "the committee", "a child"};
        String[] verbs = {"sees", "likes", "finds", "carries", "watches", "follows"};
        String[] objects = {"the ball", "a red house", "the river", "an apple", "the letter", "a small bird"};
        Random random = new Random(1);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            text.append(subjects[random.nextInt(subjects.length)]).append(' ').append(verbs[random.nextInt(verbs.length)])
                    .append(' ').append(objects[random.nextInt(objects.length)]).append(".\n");
        }
        return Files.writeString(dir.resolve("corpus.txt"), text);
    }
}
