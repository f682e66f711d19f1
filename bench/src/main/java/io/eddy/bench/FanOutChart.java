package io.eddy.bench;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.renderer.category.LineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fan-out chart: median latency by row on a log scale, one line per target. {@link #main} draws it again from
 * a written {@code fanout.md}, so the chart's looks can change without measuring for 40 minutes:
 * <pre>
 * java -cp … io.eddy.bench.FanOutChart --from docs/benchmarks/fanout.md
 * </pre>
 */
final class FanOutChart {

    private static final Pattern CORES = Pattern.compile("on (\\d+) cores");

    private FanOutChart() {
    }

    /** {@code medians[row][series]} in ms; null where the target did not finish. */
    static void write(Path file, int cores, List<String> rows, List<String> series, Double[][] medians)
            throws IOException {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (int r = 0; r < rows.size(); r++) {
            for (int s = 0; s < series.size(); s++) {
                Double ms = medians[r][s];
                // a row a target could not finish has no point: its line stops there
                data.addValue(ms == null ? null : Math.max(0.01, ms), series.get(s), rows.get(r));
            }
        }
        LogAxis range = new LogAxis("median time to deliver everything (ms, log scale)");
        range.setSmallestValue(0.01);
        // one tick per power of ten, labelled as plain numbers rather than as exponents
        range.setAutoTickUnitSelection(false);
        range.setTickUnit(new NumberTickUnit(1));
        range.setNumberFormatOverride(new DecimalFormat("#,##0.#"));
        range.setMinorTickCount(9);
        range.setMinorTickMarksVisible(true);
        CategoryAxis domain = new CategoryAxis("subscribers × publishers");
        domain.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        LineAndShapeRenderer renderer = new LineAndShapeRenderer(true, true);
        CategoryPlot plot = new CategoryPlot(data, domain, range, renderer);
        JFreeChart chart = new JFreeChart("Pub-sub fan-out on " + cores + " cores", JFreeChart.DEFAULT_TITLE_FONT,
                plot, true);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 1000, 620);
    }

    public static void main(String[] args) throws IOException {
        Path md = Path.of(Options.parse(args).get("from", "docs/benchmarks/fanout.md"));
        List<String> lines = Files.readAllLines(md);
        Matcher cores = CORES.matcher(String.join("\n", lines));
        int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("| S × P | deliveries |")).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(md + " has no median table")));
        List<String> series = cells(lines.get(header)).subList(2, cells(lines.get(header)).size());
        List<String> rows = new ArrayList<>();
        List<Double[]> medians = new ArrayList<>();
        for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            List<String> cells = cells(lines.get(i));
            rows.add(cells.get(0));
            medians.add(cells.subList(2, cells.size()).stream()
                    .map(c -> c.matches("[0-9.]+") ? Double.valueOf(c) : null).toArray(Double[]::new));
        }
        Path png = md.resolveSibling("fanout.png");
        write(png, cores.find() ? Integer.parseInt(cores.group(1)) : Machine.cores(), rows, series,
                medians.toArray(Double[][]::new));
        System.out.println("chart written to " + png);
    }

    private static List<String> cells(String line) {
        String inner = line.substring(line.indexOf('|') + 1, line.lastIndexOf('|'));
        return Arrays.stream(inner.split("\\|")).map(String::trim).toList();
    }
}
