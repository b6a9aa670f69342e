package org.inlier.runtime.report.plots;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Point;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.inlier.runtime.report.Sections;

/**
 * Which patches of an image produce the outliers: for each test image of the report's
 * {@link Sections#PATCH_OUTLIERS} table, the image beside its patch grid, each cell coloured by the
 * patch token's largest |x| over the hidden dimensions at the site with the largest ∞-norm (one
 * colour scale for all images), with the hottest patch outlined on both and the class token's value
 * in the row's caption. Drawn with Java2D: XChart has no image plot, and a chart per panel would
 * not share one scale.
 */
final class PatchGridPlot implements ReportPlot {

    /** Side of the image panel and of the grid panel, in pixels. */
    static final int PANEL = 224;
    static final int MARGIN = 16;
    static final int HEADER = 72;
    /** One image's row: a caption line above its two panels. */
    static final int CAPTION = 24;
    static final int ROW = CAPTION + PANEL + MARGIN;
    private static final int LEGEND = 96;
    /** Colour ramp from no magnitude to the largest (ColorBrewer YlOrRd). */
    private static final Color[] RAMP = {new Color(255, 255, 204), new Color(253, 141, 60), new Color(189, 0, 38)};

    @Override
    public String file() {
        return "patch-outliers.png";
    }

    @Override
    public String title() {
        return "Which patches produce the outliers: max |x| over the hidden dimension per patch token, at the site with the largest inf-norm";
    }

    @Override
    public List<String> sections() {
        return List.of(Sections.PATCH_OUTLIERS);
    }

    /** Only image models have patches. */
    @Override
    public boolean onlySomeModels() {
        return true;
    }

    @Override
    public Optional<byte[]> png(List<ReportSeries> series) {
        Optional<ReportSeries> run = series.stream().filter(s -> s.sections().has(Sections.PATCH_OUTLIERS)).findFirst();
        if (run.isEmpty()) {
            return Optional.empty();
        }
        List<Map<String, Object>> rows = run.get().sections().rows(Sections.PATCH_OUTLIERS);
        double max = 0;
        for (Map<String, Object> row : rows) {
            max = Math.max(max, Sections.number(row, "class_token"));
            for (Number v : numbers(row, "patch_max_abs")) {
                max = Math.max(max, v.doubleValue());
            }
        }
        BufferedImage image = new BufferedImage(2 * PANEL + 3 * MARGIN + LEGEND, HEADER + rows.size() * ROW, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString("Outlier magnitude per patch (max |x| over the hidden dimension)", MARGIN, 22);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawString("at " + Sections.text(rows.get(0), "site") + ": of the FFN, LayerNorm and residual outputs, the largest inf-norm",
                MARGIN, 40);
        g.drawString("images: the first test batch's largest there; one colour scale for all; hottest patch outlined", MARGIN, 56);
        for (int r = 0; r < rows.size(); r++) {
            drawRow(g, rows.get(r), r, max);
        }
        drawLegend(g, max);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode plot '" + title() + "' as PNG", e);
        }
        return Optional.of(out.toByteArray());
    }

    /** The centre of a grid cell of the image in row {@code imageRow}, in the PNG's pixels. */
    static Point cellCentre(int imageRow, int grid, int row, int col) {
        double cell = (double) PANEL / grid;
        return new Point((int) (gridLeft() + (col + 0.5) * cell), (int) (panelTop(imageRow) + (row + 0.5) * cell));
    }

    /** The colour of a magnitude that is {@code fraction} of the scale's maximum. */
    static Color colour(double fraction) {
        double f = Double.isFinite(fraction) ? Math.max(0, Math.min(1, fraction)) * (RAMP.length - 1) : 0;
        int i = Math.min((int) f, RAMP.length - 2);
        double t = f - i;
        return new Color(mix(RAMP[i].getRed(), RAMP[i + 1].getRed(), t), mix(RAMP[i].getGreen(), RAMP[i + 1].getGreen(), t),
                mix(RAMP[i].getBlue(), RAMP[i + 1].getBlue(), t));
    }

    private static void drawRow(Graphics2D g, Map<String, Object> row, int r, double max) {
        int grid = (int) Sections.number(row, "grid");
        List<Number> patches = numbers(row, "patch_max_abs");
        List<Number> pixels = numbers(row, "pixels");
        int side = (int) Math.round(Math.sqrt(pixels.size()));
        if (grid < 1 || patches.size() != grid * grid || side * side != pixels.size()) {
            throw new IllegalArgumentException("row " + r + " of '" + Sections.PATCH_OUTLIERS + "': " + patches.size() + " patch values for grid "
                    + grid + " and " + pixels.size() + " pixels");
        }
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString(String.format(Locale.ROOT, "test image %s (%s): hottest %s = %.3g; class token = %.3g",
                Sections.text(row, "image"), Sections.text(row, "class"), Sections.text(row, "hottest"),
                Sections.number(row, "hottest_max_abs"), Sections.number(row, "class_token")), MARGIN, panelTop(r) - 8);

        BufferedImage picture = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        for (int p = 0; p < pixels.size(); p++) {
            int v = Math.max(0, Math.min(255, pixels.get(p).intValue()));
            picture.setRGB(p % side, p / side, new Color(v, v, v).getRGB());
        }
        g.drawImage(picture, MARGIN, panelTop(r), PANEL, PANEL, null);

        double cell = (double) PANEL / grid;
        int hottest = 0;
        for (int i = 0; i < patches.size(); i++) {
            double v = patches.get(i).doubleValue();
            hottest = v > patches.get(hottest).doubleValue() ? i : hottest;
            Color c = colour(v / max);
            g.setColor(c);
            int x = (int) Math.round(gridLeft() + (i % grid) * cell);
            int y = (int) Math.round(panelTop(r) + (i / grid) * cell);
            g.fillRect(x, y, (int) Math.round(gridLeft() + (i % grid + 1) * cell) - x, (int) Math.round(panelTop(r) + (i / grid + 1) * cell) - y);
            if (cell >= 24) {
                String text = String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.1f", v);
                g.setColor(brightness(c) < 0.5 ? Color.WHITE : Color.BLACK);
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, cell >= 40 ? 12 : 9));
                Point centre = cellCentre(r, grid, i / grid, i % grid);
                g.drawString(text, centre.x - g.getFontMetrics().stringWidth(text) / 2, centre.y + g.getFontMetrics().getAscent() / 2 - 1);
            }
        }
        // The hottest patch, outlined on the grid and on the image.
        g.setColor(new Color(0, 90, 255));
        g.setStroke(new BasicStroke(2));
        int hx = (int) Math.round((hottest % grid) * cell);
        int hy = (int) Math.round((hottest / grid) * cell);
        g.drawRect(gridLeft() + hx, panelTop(r) + hy, (int) cell, (int) cell);
        g.drawRect(MARGIN + hx, panelTop(r) + hy, (int) cell, (int) cell);
    }

    private static void drawLegend(Graphics2D g, double max) {
        int x = 2 * PANEL + 2 * MARGIN + 24;
        int top = HEADER + CAPTION;
        for (int y = 0; y < PANEL; y++) {
            g.setColor(colour(1 - (double) y / (PANEL - 1)));
            g.fillRect(x, top + y, 16, 1);
        }
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawRect(x, top, 16, PANEL);
        g.drawString(String.format(Locale.ROOT, "%.3g", max), x + 20, top + 10);
        g.drawString("0", x + 20, top + PANEL);
        g.drawString("max |x|", x - 8, top - 6);
    }

    private static int panelTop(int imageRow) {
        return HEADER + imageRow * ROW + CAPTION;
    }

    private static int gridLeft() {
        return 2 * MARGIN + PANEL;
    }

    private static int mix(int a, int b, double t) {
        return (int) Math.round(a + (b - a) * t);
    }

    private static double brightness(Color c) {
        return (0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue()) / 255;
    }

    @SuppressWarnings("unchecked")
    private static List<Number> numbers(Map<String, Object> row, String key) {
        return row.get(key) instanceof List<?> values ? (List<Number>) values : List.of();
    }
}
