/**
 * The {@code report.html} written into every output directory at the end of a run: {@link
 * org.flowbeam.pipelines.report.ReportReader} reads the finished outputs back and aggregates them
 * into a bounded {@link org.flowbeam.pipelines.report.ReportData} (top-N, powers-of-two histograms,
 * rejected records grouped by kind), and {@link org.flowbeam.pipelines.report.ReportHtml} writes
 * the self-contained page that draws it. Plain Java after the job, no Beam, so each part has plain
 * unit tests; the page itself is tested in headless Chromium ({@code ReportBrowserIT}).
 */
package org.flowbeam.pipelines.report;
