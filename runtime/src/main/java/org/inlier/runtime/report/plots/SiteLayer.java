package org.inlier.runtime.report.plots;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The layer a quantization site belongs to, read from its name: {@code layer.3.ffn.out} is in
 * {@code layer 3}; sites outside the blocks ({@code embed.sum}, {@code final_ln.out},
 * {@code head.logits}) are grouped by their first name part.
 */
final class SiteLayer {

    private static final Pattern LAYER = Pattern.compile("layer\\.(\\d+)\\..*");

    private SiteLayer() {
    }

    /** The axis label of a site's layer. */
    static String of(String site) {
        Matcher m = LAYER.matcher(site);
        if (m.matches()) {
            return "layer " + m.group(1);
        }
        int dot = site.indexOf('.');
        return dot > 0 ? site.substring(0, dot) : site;
    }
}
