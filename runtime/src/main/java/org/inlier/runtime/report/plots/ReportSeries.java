package org.inlier.runtime.report.plots;

import org.inlier.runtime.report.Sections;

/**
 * The data one plotted line or bar group comes from: a run's report, or a sweep
 * configuration's summary.
 *
 * @param label    the legend entry (a run's attention variant, a sweep configuration)
 * @param sections the report sections to read
 */
public record ReportSeries(String label, Sections sections) {
}
