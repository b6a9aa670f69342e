package org.inlier.runtime.report.plots;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.inlier.runtime.report.Sections;
import org.junit.jupiter.api.Test;

class ComparisonPlotsTest {

    private static ReportSeries series(String label, List<String> sites, List<String> precisions) {
        return new ReportSeries(label, new Sections(Map.of(
                Sections.OUTLIERS_PER_SITE, sites.stream().map(s -> Map.<String, Object>of("site", s, "inf_norm", 3.0, "kurtosis", 4.0)).toList(),
                Sections.QUALITY, precisions.stream().map(p -> Map.<String, Object>of("precision", p, "perplexity", 9.0)).toList(),
                Sections.TRAINING_CURVE, List.of(Map.of("step", 2, "loss", 3.0, "lr", 0.01), Map.of("step", 1, "loss", 3.5, "lr", 0.01)))));
    }

    @Test
    void configurationsWithDifferentLayersOrPrecisionsShareOnePlot() throws Exception {
        List<ReportSeries> configurations = List.of(
                series("vanilla", List.of("embed.sum", "layer.0.ffn.out", "layer.1.ffn.out"), List.of("FP32", "W8A8", "W4A4")),
                series("clipped-softmax", List.of("embed.sum", "layer.0.ffn.out"), List.of("FP32", "W8A8")));

        FigureRenderer.Figures figures = new FigureRenderer().render(ReportPlots.COMPARISON, configurations);

        assertThat(figures.skipped()).extracting(FigureRenderer.Skipped::title).containsExactly("Outliers during training");
        for (Figure f : figures.drawn()) {
            assertThat(ImageIO.read(new ByteArrayInputStream(f.png()))).as(f.file()).isNotNull();
        }
    }

    @Test
    void anUnchangedPlotIsNotRedrawn() {
        FigureRenderer renderer = new FigureRenderer();
        List<ReportSeries> run = List.of(series("vanilla", List.of("layer.0.ffn.out"), List.of("FP32")));

        byte[] first = renderer.render(ReportPlots.RUN, run).drawn().get(0).png();
        byte[] second = renderer.render(ReportPlots.RUN, run).drawn().get(0).png();

        assertThat(second).isSameAs(first);
    }

    @Test
    void sitesOutsideTheBlocksGroupByTheirFirstNamePart() {
        assertThat(SiteLayer.of("layer.12.attn.probs")).isEqualTo("layer 12");
        assertThat(SiteLayer.of("final_ln.out")).isEqualTo("final_ln");
        assertThat(SiteLayer.of("embed")).isEqualTo("embed");
    }
}
