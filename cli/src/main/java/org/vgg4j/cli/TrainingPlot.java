package org.vgg4j.cli;

import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.vgg4j.core.io.AtomicWrite;
import org.vgg4j.core.train.EpochMetrics;
import org.vgg4j.core.train.StepEvent;
import org.vgg4j.core.train.TrainingListener;
import org.vgg4j.core.train.TrainingPosition;

/**
 * Draws the d2l-style training plot ({@code training.png}): running train loss and accuracy at fractions of an epoch,
 * and test accuracy after each epoch, redrawn after every epoch with XChart.
 */
final class TrainingPlot implements TrainingListener {
    private static final int POINTS_PER_EPOCH = 10;
    private final Path file;
    private final List<double[]> trainPoints = new ArrayList<>();
    private final List<EpochMetrics> epochs = new ArrayList<>();

    TrainingPlot(Path file, List<EpochMetrics> previous) {
        this.file = file;
        epochs.addAll(previous);
        for (EpochMetrics m : previous) {
            trainPoints.add(new double[] {m.epoch(), m.trainLoss(), m.trainAccuracy()});
        }
    }

    @Override
    public void stepFinished(StepEvent e) {
        int every = Math.max(1, e.batchesPerEpoch() / POINTS_PER_EPOCH);
        if ((e.batch() + 1) % every == 0 || e.batch() + 1 == e.batchesPerEpoch()) {
            trainPoints.add(new double[] {e.epoch() + (e.batch() + 1.0) / e.batchesPerEpoch(), e.runningLoss(),
                    e.runningAccuracy()});
        }
    }

    @Override
    public void epochFinished(EpochMetrics metrics, TrainingPosition next) {
        epochs.add(metrics);
        draw();
    }

    void draw() {
        XYChart chart = new XYChartBuilder().width(800).height(500).title("vgg4j training")
                .xAxisTitle("epoch").yAxisTitle("").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setXAxisMin(0.0);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        if (!trainPoints.isEmpty()) {
            addSeries(chart, "train loss", trainPoints, 1);
            addSeries(chart, "train acc", trainPoints, 2);
        }
        List<double[]> test = new ArrayList<>();
        for (EpochMetrics m : epochs) {
            if (!Double.isNaN(m.testAccuracy())) {
                test.add(new double[] {m.epoch(), m.testAccuracy()});
            }
        }
        if (!test.isEmpty()) {
            XYSeries s = addSeries(chart, "test acc", test, 1);
            s.setMarker(SeriesMarkers.CIRCLE);
        }
        // A uniquely named temporary file renamed over the plot: two writers never share a temporary name.
        AtomicWrite.write(file, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
    }

    private static XYSeries addSeries(XYChart chart, String name, List<double[]> points, int column) {
        double[] x = new double[points.size()];
        double[] y = new double[points.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = points.get(i)[0];
            y[i] = points.get(i)[column];
        }
        XYSeries s = chart.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.NONE);
        return s;
    }
}
