package org.inlier.runtime.report.plots;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Point;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.inlier.runtime.report.Sections;
import org.junit.jupiter.api.Test;

class PatchGridPlotTest {

    /** A 4×4 grid of magnitude 1 with one hot patch at (row, col) = (2, 1) of value 50. */
    private static Map<String, Object> row(int image) {
        List<Double> patches = new ArrayList<>();
        for (int p = 0; p < 16; p++) {
            patches.add(p == 2 * 4 + 1 ? 50.0 : 1.0);
        }
        List<Integer> pixels = new ArrayList<>();
        for (int p = 0; p < 64; p++) {
            pixels.add(p % 8 < 4 ? 0 : 255); // left half black, right half white
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("image", image);
        row.put("class", "Sneaker");
        row.put("site", "layer.0.ffn.residual");
        row.put("grid", 4);
        row.put("class_token", 2.0);
        row.put("hottest", "patch (2, 1)");
        row.put("hottest_max_abs", 50.0);
        row.put("patch_max_abs", patches);
        row.put("pixels", pixels);
        return row;
    }

    private static BufferedImage draw(List<Map<String, Object>> rows) throws Exception {
        byte[] png = new PatchGridPlot().png(List.of(new ReportSeries("vit", new Sections(Map.of(Sections.PATCH_OUTLIERS, rows))))).orElseThrow();
        return ImageIO.read(new ByteArrayInputStream(png));
    }

    /** A point inside a cell but away from its centred value text and its outline. */
    private static Color cellColour(BufferedImage image, int imageRow, int row, int col) {
        Point centre = PatchGridPlot.cellCentre(imageRow, 4, row, col);
        int quarter = PatchGridPlot.PANEL / 4 / 4;
        return new Color(image.getRGB(centre.x - quarter, centre.y - quarter));
    }

    @Test
    void theHotPatchTakesTheTopColourOfTheScaleAndTheOthersTheBottom() throws Exception {
        BufferedImage image = draw(List.of(row(3), row(7)));

        for (int imageRow = 0; imageRow < 2; imageRow++) {
            assertThat(cellColour(image, imageRow, 2, 1)).isEqualTo(PatchGridPlot.colour(1.0));
            assertThat(cellColour(image, imageRow, 1, 2)).isEqualTo(PatchGridPlot.colour(1.0 / 50));
            assertThat(cellColour(image, imageRow, 0, 0)).isEqualTo(PatchGridPlot.colour(1.0 / 50));
        }
    }

    @Test
    void theImageIsDrawnBesideItsGridInGrey() throws Exception {
        BufferedImage image = draw(List.of(row(0)));
        int top = PatchGridPlot.HEADER + PatchGridPlot.CAPTION;
        // Away from the hot patch's outline (rows 2 of 4, i.e. the lower half): the upper quarter of each half.
        assertThat(new Color(image.getRGB(PatchGridPlot.MARGIN + PatchGridPlot.PANEL / 4, top + PatchGridPlot.PANEL / 8))).isEqualTo(Color.BLACK);
        assertThat(new Color(image.getRGB(PatchGridPlot.MARGIN + 3 * PatchGridPlot.PANEL / 4, top + PatchGridPlot.PANEL / 8))).isEqualTo(Color.WHITE);
    }

    @Test
    void theColourScaleRunsFromPaleToDarkAndClampsOutsideIt() {
        assertThat(PatchGridPlot.colour(0)).isEqualTo(new Color(255, 255, 204));
        assertThat(PatchGridPlot.colour(1)).isEqualTo(new Color(189, 0, 38));
        assertThat(PatchGridPlot.colour(2)).isEqualTo(PatchGridPlot.colour(1));
        assertThat(PatchGridPlot.colour(Double.NaN)).isEqualTo(PatchGridPlot.colour(0));
    }

    @Test
    void aReportWithoutImagesHasNoPatchGrid() {
        assertThat(new PatchGridPlot().png(List.of(new ReportSeries("clm", new Sections(Map.of()))))).isEmpty();
    }
}
