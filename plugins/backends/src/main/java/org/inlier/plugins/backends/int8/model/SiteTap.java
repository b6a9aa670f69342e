package org.inlier.plugins.backends.int8.model;

/**
 * Sees the levels of every quantized activation site as {@link IntegerTransformer} computes them,
 * and may replace them: tests compare each site with the simulation and continue from the
 * simulation's levels, so every site is checked on the simulation's own inputs.
 */
@FunctionalInterface
public interface SiteTap {

    /** Passes every site's levels through unchanged. */
    SiteTap NONE = (site, levels) -> levels;

    /**
     * Called once per quantized activation site and forward pass.
     *
     * @param site   the site's name, e.g. {@code layer.0.attn.scores}
     * @param levels its levels in the model family's layout ({@code (B, T, D)} or {@code (B, H, T, T)}, row-major)
     * @return the levels the model continues with, of the same length
     */
    int[] visit(String site, int[] levels);
}
