package org.inlier.runtime.stages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.inlier.plugins.datasets.IdxFile;
import org.inlier.runtime.config.PipelineConfig;
import org.inlier.runtime.config.PipelineLoader;
import org.inlier.runtime.config.PipelineValidator;
import org.inlier.runtime.report.Sections;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny ViT (8×8 images in 2×2 patches: a 4×4 grid) whose position embedding of patch (1, 3)
 * carries a planted value of 200 in one hidden dimension: every residual stream has a huge
 * activation on that patch's token, so the report's patch grid must mark that patch.
 */
class VitPatchOutliersTest {

    /** Patch (1, 3) of a 4×4 grid: token 1 + 1·4 + 3. */
    private static final int PLANTED_TOKEN = 8;
    private static final int PLANTED_DIMENSION = 5;

    @TempDir
    static Path dir;

    private static RunContext run;
    private static Sections report;

    @BeforeAll
    static void evaluateATinyVitWithAPlantedOutlier() throws Exception {
        Path data = Files.createDirectories(dir.resolve("fashion-mnist"));
        images(data, "train", 24);
        images(data, "t10k", 16);
        String text = """
                seed: 3
                model: { family: vit, layers: 1, hidden: 16, heads: 2, ffn: 32, image: 8, patch: 2 }
                data: { set: fashion-mnist, dir: "%s", valid: 8 }
                backend: { id: nd4j-cpu, threads: 1 }
                stages:
                  - evaluate: { batches: 2, batch: 8 }
                """.formatted(data.toAbsolutePath());
        PipelineConfig config = PipelineValidator.validate(PipelineLoader.parse(text, "vit.yaml", "vit.yaml"), "vit.yaml", "vit",
                TinyRun.PLUGINS, StageCatalog.builtIn());
        run = new RunContext("vit", Files.createDirectories(dir.resolve("run")), dir.resolve("cache"), config, TinyRun.PLUGINS, (type, d) -> { });
        run.ensureWeights();
        run.weights().get("embed.position.weight").putScalar(PLANTED_TOKEN, PLANTED_DIMENSION, 200.0);
        new PipelineRunner(StageCatalog.builtIn()).run(run);
        report = new Sections(run.report().sections());
    }

    /** Images with texture of every brightness, half of them class 1. */
    private static void images(Path data, String prefix, int count) throws Exception {
        byte[] pixels = new byte[count * 64];
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) {
            labels[i] = (byte) (i % 2);
            for (int p = 0; p < 64; p++) {
                pixels[i * 64 + p] = (byte) ((p * 37 + i * 11) % 256);
            }
        }
        new IdxFile(new int[] {count, 8, 8}, pixels).write(data.resolve(prefix + "-images-idx3-ubyte.gz"));
        new IdxFile(new int[] {count}, labels).write(data.resolve(prefix + "-labels-idx1-ubyte.gz"));
    }

    @SuppressWarnings("unchecked")
    private static List<Number> list(Map<String, Object> row, String key) {
        return (List<Number>) row.get(key);
    }

    @Test
    void thePatchGridMarksThePlantedPatchOnEveryImage() {
        List<Map<String, Object>> rows = report.rows(Sections.PATCH_OUTLIERS);
        assertThat(rows).hasSize(EvaluateStage.PATCH_GRID_IMAGES);
        for (Map<String, Object> row : rows) {
            assertThat(row.get("hottest")).isEqualTo("patch (1, 3)");
            assertThat(row.get("grid")).isEqualTo(4);
            List<Number> patches = list(row, "patch_max_abs");
            assertThat(patches).hasSize(16);
            // Row-major: patch (1, 3) is entry 7. The planted value rides the residual stream; the rest stays near 1.
            assertThat(patches.get(7).doubleValue()).isGreaterThan(100);
            for (int p = 0; p < 16; p++) {
                if (p != 7) {
                    assertThat(patches.get(p).doubleValue()).as("patch %d", p).isLessThan(patches.get(7).doubleValue() / 20);
                }
            }
            assertThat((double) row.get("class_token")).isLessThan(10);
            assertThat(row.get("site").toString()).endsWith("residual");
        }
    }

    @Test
    void theGridShowsTheTestImagesOwnPixelsAndClass() throws Exception {
        IdxFile test = IdxFile.read(dir.resolve("fashion-mnist/t10k-images-idx3-ubyte.gz"));
        for (Map<String, Object> row : report.rows(Sections.PATCH_OUTLIERS)) {
            int image = (int) row.get("image");
            List<Number> pixels = list(row, "pixels");
            assertThat(pixels).hasSize(64);
            for (int p = 0; p < 64; p++) {
                assertThat(pixels.get(p).intValue()).isEqualTo(Byte.toUnsignedInt(test.data()[image * 64 + p]));
            }
            assertThat(row.get("class")).isEqualTo(run.corpus().tokenizer().decode(new int[] {image % 2}));
        }
    }

    @Test
    void outlierLocationsNameThePatchNotATokenId() {
        assertThat(report.rows(Sections.OUTLIER_DIMENSIONS))
                .filteredOn(r -> r.get("site").equals("layer.0.attn.residual") && (int) r.get("dimension") == PLANTED_DIMENSION)
                .extracting(r -> r.get("token")).containsExactly("patch (1, 3)");
    }

    @Test
    void attentionSinksAreTheClassTokensMassWithoutDelimiters() {
        List<Map<String, Object>> sinks = report.rows(Sections.ATTENTION_SINKS);
        assertThat(sinks).hasSize(2); // one layer, two heads
        for (Map<String, Object> row : sinks) {
            assertThat(row.get("first_token")).isEqualTo("class token");
            assertThat(row).doesNotContainKey("delimiter_mass");
            assertThat((double) row.get("uniform_mass")).isEqualTo(1.0 / 17);
            // Freshly initialised (weights of 0.02): scores near zero, attention near uniform, so near 1/17 on the class token.
            assertThat((double) row.get("first_token_mass")).isCloseTo(1.0 / 17, within(0.03));
        }
    }

    @Test
    void theReportDrawsThePatchGridAndListsOnlyHowManyPixelsItHas() throws Exception {
        run.report().write(run.dir());
        assertThat(run.dir().resolve("plots/patch-outliers.png")).exists();
        String markdown = Files.readString(run.dir().resolve("report.md"));
        assertThat(markdown).contains("## " + Sections.PATCH_OUTLIERS).contains("64 values (in report.json)").contains("16 values (in report.json)");
    }
}
