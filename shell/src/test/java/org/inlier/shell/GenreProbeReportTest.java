package org.inlier.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.inlier.runtime.report.Sections;
import org.inlier.runtime.report.StoredReport;
import org.inlier.runtime.store.Npy;
import org.junit.jupiter.api.Test;

/** The evaluate stage's labelled task on the tiny BERT run: a genre probe, FP vs quantized. */
class GenreProbeReportTest {

    private static final int TRAIN = 15 * 2 * 8; // 15 genres × 2 train files × 8 sentences
    private static final int TEST = 15 * 8;
    private static final int VALID = 15 * 8;

    private static Path run() {
        return TinyBertRun.dir().resolve("runs").resolve(TinyBertRun.ID);
    }

    private static Map<String, Object> quality(Sections sections, String precision) {
        return sections.rows(Sections.QUALITY).stream().filter(r -> precision.equals(r.get("precision"))).findFirst().orElseThrow();
    }

    @Test
    void probeAccuracyIsReportedForTheFpAndEveryQuantizedModel() throws Exception {
        Sections sections = StoredReport.read(run()).sections();
        double fp = Sections.number(quality(sections, "FP32"), "probe_accuracy");
        double w16 = Sections.number(quality(sections, "W16A16"), "probe_accuracy");
        double w4 = Sections.number(quality(sections, "W4A4"), "probe_accuracy");

        Map<String, Object> probe = sections.values(Sections.LINEAR_PROBE);
        double baseline = Sections.number(probe, "majority_baseline");
        assertThat(fp).as("genre words make genres learnable").isGreaterThan(baseline + 0.3);
        assertThat(Sections.number(probe, "fp_test_accuracy")).isEqualTo(fp);
        assertThat(w16).as("16 bits (with ranges calibrated on 16 sentences) change a few sentences at most").isCloseTo(fp, within(0.05));
        assertThat(w4).isBetween(0.0, 1.0);
        assertThat(Sections.number(probe, "classes")).isEqualTo(15);
        assertThat(Sections.text(probe, "task")).startsWith("genre: the 15 Brown corpus file prefixes ca…cr; split by file");
        assertThat(Sections.text(probe, "train_sentences")).isEqualTo(TRAIN + " of the " + TRAIN + " train-split sentences of the data, evenly spaced");
        assertThat(Sections.text(probe, "test_sentences")).isEqualTo(TEST + " of the " + TEST + " test-split sentences of the data, evenly spaced");
        assertThat(Sections.text(probe, "classifier")).contains("multinomial logistic regression", "the best of [0.001, 0.01, 0.1, 1.0, 10.0] on "
                + VALID + " evenly spaced valid-split sentences", "trained once");
        assertThat(Files.readString(run().resolve("report.md"))).contains("## linear probe", "probe_accuracy");
    }

    @Test
    void theFpEmbeddingsAreComputedOnceAndCached() throws Exception {
        List<String> embedded = Files.readAllLines(run().resolve("events.jsonl")).stream().filter(l -> l.contains("probe: embedded")).toList();
        assertThat(embedded).as("the second evaluate stage reads the cache").hasSize(1);
        assertThat(embedded.get(0)).contains("probe: embedded " + (TRAIN + VALID + TEST) + " sentences with the FP model");
        try (Stream<Path> files = Files.list(TinyBertRun.dir().resolve("cache").resolve("probe-embeddings"))) {
            List<Path> cached = files.toList();
            assertThat(cached).hasSize(1);
            assertThat(Npy.read(cached.get(0)).shape()).containsExactly(TRAIN + VALID + TEST, 24);
        }
    }
}
