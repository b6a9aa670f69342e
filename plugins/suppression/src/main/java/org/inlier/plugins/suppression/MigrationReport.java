package org.inlier.plugins.suppression;

import java.util.ArrayList;
import java.util.List;
import org.inlier.api.model.NormLink;

/**
 * The report line of a {@link ScaleMigration} over a model's LayerNorms: how many moved their
 * scale into how many weights and shortcuts, which were skipped and why, and which channels kept
 * their scale in place, e.g.
 * {@code γ migrated out of 5 LayerNorms into 9 weights and 4 shortcuts; skipped layer.1.ln2.out
 * (feeds no weight and no shortcut); left in place: 2 channels of layer.0.ln2.out (|γ| < 1.0E-6)}.
 */
final class MigrationReport {

    private final String scale;
    private int norms;
    private int weights;
    private int shortcuts;
    private final List<String> skipped = new ArrayList<>();
    private final List<String> leftInPlace = new ArrayList<>();

    /** @param scale what is migrated, as the line starts with it: {@code γ}, {@code SmoothQuant scales (α = 0.5)} */
    MigrationReport(String scale) {
        this.scale = scale;
    }

    /** Records a LayerNorm whose scale was migrated into all its consumers. */
    void migrated(NormLink link) {
        norms++;
        weights += link.consumerWeights().size();
        shortcuts += link.shortcutScale() == null ? 0 : 1;
    }

    /** Records a LayerNorm left unchanged. */
    void skipped(NormLink link, String reason) {
        skipped.add(link.outputSite() + " (" + reason + ")");
    }

    /** Records channels of a migrated LayerNorm whose scale stayed in place (factor 1). */
    void leftInPlace(NormLink link, int channels, String reason) {
        leftInPlace.add(channels + (channels == 1 ? " channel" : " channels") + " of " + link.outputSite() + " (" + reason + ")");
    }

    /** The line for the run report. */
    String line() {
        StringBuilder line = new StringBuilder(scale).append(" migrated out of ").append(norms)
                .append(norms == 1 ? " LayerNorm" : " LayerNorms").append(" into ").append(weights)
                .append(weights == 1 ? " weight" : " weights").append(" and ").append(shortcuts)
                .append(shortcuts == 1 ? " shortcut" : " shortcuts");
        if (!skipped.isEmpty()) {
            line.append("; skipped ").append(String.join(", ", skipped));
        }
        if (!leftInPlace.isEmpty()) {
            line.append("; left in place: ").append(String.join(", ", leftInPlace));
        }
        return line.toString();
    }
}
