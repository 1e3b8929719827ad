package dev.mu2sls.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * What {@code bench --plot} and {@code bench-http --plot} draw (XChart, headless): throughput
 * against concurrency, and the latency CDF of each concurrency, side by side in one PNG.
 */
final class LoadPlot {
    /** One measured concurrency: its throughput and its latencies in microseconds. */
    record Level(int concurrency, double rps, Histogram latencyMicros) {}

    private static final int WIDTH = 640;
    private static final int HEIGHT = 420;

    private LoadPlot() {}

    static void write(Path png, String title, List<Level> levels) {
        System.setProperty("java.awt.headless", "true");
        XYChart throughput = new XYChartBuilder()
                .width(WIDTH)
                .height(HEIGHT)
                .title(title + ": throughput")
                .xAxisTitle("concurrent clients")
                .yAxisTitle("requests/s")
                .build();
        style(throughput);
        throughput.getStyler().setLegendVisible(false);
        throughput.getStyler().setYAxisMin(0.0);
        throughput.getStyler().setYAxisDecimalPattern("#,##0");
        throughput.getStyler().setXAxisDecimalPattern("#,##0");
        throughput.getStyler().setXAxisLogarithmic(levels.size() > 2);
        XYSeries series = throughput.addSeries(
                "req/s",
                levels.stream().map(l -> (double) l.concurrency()).toList(),
                levels.stream().map(Level::rps).toList());
        series.setMarker(SeriesMarkers.CIRCLE);

        XYChart cdf = new XYChartBuilder()
                .width(WIDTH)
                .height(HEIGHT)
                .title(title + ": latency CDF")
                .xAxisTitle("latency (ms, log scale)")
                .yAxisTitle("fraction of requests")
                .build();
        style(cdf);
        cdf.getStyler().setXAxisLogarithmic(true);
        cdf.getStyler().setYAxisDecimalPattern("0.0#");
        cdf.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        for (Level level : levels) {
            List<Double> millis = new ArrayList<>();
            List<Double> fraction = new ArrayList<>();
            long total = level.latencyMicros().getTotalCount();
            if (total == 0) {
                continue;
            }
            for (HistogramIterationValue value : level.latencyMicros().recordedValues()) {
                millis.add(Math.max(
                        0.001, level.latencyMicros().highestEquivalentValue(value.getValueIteratedTo()) / 1000.0));
                fraction.add((double) value.getTotalCountToThisValue() / total);
            }
            XYSeries line = cdf.addSeries("c=" + level.concurrency(), millis, fraction);
            line.setMarker(SeriesMarkers.NONE);
            line.setLineStyle(new BasicStroke(2f));
        }
        try {
            // XChart adds the extension unless the name has it already
            BitmapEncoder.saveBitmap(List.of(throughput, cdf), 1, 2, png.toString(), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the plot " + png + ": " + e.getMessage(), e);
        }
    }

    private static void style(XYChart chart) {
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesVisible(true);
        chart.getStyler().setMarkerSize(7);
    }
}
