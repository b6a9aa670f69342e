package org.inlier.runtime.report.plots;

/**
 * A drawn plot.
 *
 * @param file  the PNG's file name under the report's {@code plots/} folder
 * @param title the caption
 * @param png   the encoded image
 */
public record Figure(String file, String title, byte[] png) {
}
