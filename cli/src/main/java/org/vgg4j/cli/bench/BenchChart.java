package org.vgg4j.cli.bench;

import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;
import org.vgg4j.core.io.AtomicWrite;

/**
 * Draws {@code vgg4j bench}'s grouped bar chart (PNG, with XChart like {@code training.png}): one group per case
 * (mode and size), one bar per engine; a case an engine skipped has no bar.
 */
public final class BenchChart {
    private final List<String> cases = new ArrayList<>();
    private final Map<String, Map<String, Double>> values = new LinkedHashMap<>();

    /**
     * Records one bar.
     *
     * @param caseName the group, e.g. {@code "train 224"}
     * @param engine   the series, e.g. {@code "onnx"}
     * @param value    the bar's height
     */
    public void add(String caseName, String engine, double value) {
        if (!cases.contains(caseName)) {
            cases.add(caseName);
        }
        values.computeIfAbsent(engine, e -> new LinkedHashMap<>()).put(caseName, value);
    }

    /** @return whether no bar was recorded */
    public boolean isEmpty() {
        return values.isEmpty();
    }

    /**
     * Writes the chart (replacing {@code png} atomically).
     *
     * @param png    the file
     * @param title  the chart's title
     * @param yTitle the value axis' title
     */
    public void write(Path png, String title, String yTitle) {
        CategoryChart chart = new CategoryChartBuilder().width(1000).height(560).title(title).xAxisTitle("case")
                .yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setOverlapped(false);
        for (Map.Entry<String, Map<String, Double>> e : values.entrySet()) {
            List<Double> ys = new ArrayList<>();
            for (String c : cases) {
                ys.add(e.getValue().get(c)); // null: no bar for a skipped case
            }
            chart.addSeries(e.getKey(), new ArrayList<>(cases), ys);
        }
        AtomicWrite.write(png, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
    }

    /**
     * The chart's file next to a markdown table: {@code bench.md} becomes {@code bench.png}, any other name gets
     * {@code .png} appended.
     *
     * @param markdown the table's file
     * @return the chart's file in the same folder
     */
    public static Path besides(Path markdown) {
        String name = markdown.getFileName().toString();
        String stem = name.toLowerCase(java.util.Locale.ROOT).endsWith(".md") ? name.substring(0, name.length() - 3) : name;
        return markdown.resolveSibling(stem + ".png");
    }
}
