package org.vgg4j.benchmarks.soak;

import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.vgg4j.core.io.AtomicWrite;

/**
 * Draws the resident set (solid) and the Java heap in use (dotted) of each backend's soak run against the step, as
 * a PNG written atomically.
 */
public final class SoakChart {
    private SoakChart() {
    }

    /**
     * Writes the chart of {@code results} titled {@code title} to {@code png}.
     *
     * @param png     the PNG file to write, replaced atomically
     * @param title   the chart's title
     * @param results one resident-set series per backend, in MiB over training steps
     */
    public static void write(Path png, String title, List<SoakResult> results) {
        XYChart chart = new XYChartBuilder().width(900).height(520).title(title).xAxisTitle("training step")
                .yAxisTitle("MiB").build();
        chart.getStyler().setMarkerSize(0);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        for (SoakResult r : results) {
            double[] steps = r.samples().stream().mapToDouble(SoakSample::step).toArray();
            XYSeries rss = chart.addSeries(r.backend() + " resident set (VmRSS)", steps,
                    r.samples().stream().mapToDouble(SoakSample::rssMib).toArray());
            rss.setMarker(SeriesMarkers.NONE);
            XYSeries heap = chart.addSeries(r.backend() + " Java heap used", steps,
                    r.samples().stream().mapToDouble(s -> s.heapUsedKib() / 1024.0).toArray());
            heap.setMarker(SeriesMarkers.NONE);
            heap.setLineStyle(new java.awt.BasicStroke(1f, java.awt.BasicStroke.CAP_BUTT,
                    java.awt.BasicStroke.JOIN_MITER, 10f, new float[] {2f, 3f}, 0f));
        }
        AtomicWrite.write(png, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
    }
}
