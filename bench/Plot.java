import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line chart as SVG from a benchmark's tab-separated table (a header row, then numbers; the first
 * column is x, every other column a series). No dependencies: {@code java bench/Plot.java TABLE SVG
 * TITLE XLABEL YLABEL [logx] [logy]}.
 */
public class Plot {

    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd"};
    private static final int WIDTH = 640;
    private static final int HEIGHT = 400;
    private static final int LEFT = 70;
    private static final int RIGHT = 170;
    private static final int TOP = 40;
    private static final int BOTTOM = 50;

    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: java bench/Plot.java TABLE SVG TITLE XLABEL YLABEL [logx] [logy]");
            System.exit(2);
        }
        List<String> lines = Files.readAllLines(Path.of(args[0])).stream().filter(l -> !l.isBlank()).toList();
        String[] header = lines.get(0).split("\t");
        List<double[]> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split("\t");
            double[] row = new double[header.length];
            for (int i = 0; i < header.length; i++) {
                row[i] = Double.parseDouble(cells[i]);
            }
            rows.add(row);
        }
        List<String> flags = List.of(args).subList(5, args.length);
        Axis x = new Axis(rows, 0, 1, flags.contains("logx"), LEFT, WIDTH - RIGHT);
        Axis y = new Axis(rows, 1, header.length, flags.contains("logy"), HEIGHT - BOTTOM, TOP);
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\""
                        + " font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n"
                        + "<text x=\"%d\" y=\"22\" font-size=\"15\">%s</text>%n",
                WIDTH, HEIGHT, LEFT, escape(args[2])));
        for (double tick : x.ticks()) {
            double px = x.pixel(tick);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>"
                            + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    px, TOP, px, HEIGHT - BOTTOM, px, HEIGHT - BOTTOM + 16, label(tick)));
        }
        for (double tick : y.ticks()) {
            double py = y.pixel(tick);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                            + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                    LEFT, py, WIDTH - RIGHT, py, LEFT - 6, py + 4, label(tick)));
        }
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\""
                        + " stroke=\"#444\"/>%n<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n"
                        + "<text transform=\"translate(16 %d) rotate(-90)\" text-anchor=\"middle\">%s</text>%n",
                LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM, (LEFT + WIDTH - RIGHT) / 2, HEIGHT - 12,
                escape(args[3]), (TOP + HEIGHT - BOTTOM) / 2, escape(args[4])));
        for (int series = 1; series < header.length; series++) {
            String color = COLORS[(series - 1) % COLORS.length];
            StringBuilder points = new StringBuilder();
            for (double[] row : rows) {
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x.pixel(row[0]), y.pixel(row[series])));
                svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>%n",
                        x.pixel(row[0]), y.pixel(row[series]), color));
            }
            int legendY = TOP + 10 + 20 * (series - 1);
            svg.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\""
                            + " stroke-width=\"2\"/>%n<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\""
                            + " stroke-width=\"2\"/><text x=\"%d\" y=\"%d\">%s</text>%n",
                    points.toString().strip(), color, WIDTH - RIGHT + 10, legendY, WIDTH - RIGHT + 30, legendY, color,
                    WIDTH - RIGHT + 36, legendY + 4, escape(header[series])));
        }
        svg.append("</svg>\n");
        Files.writeString(Path.of(args[1]), svg);
    }

    /** One axis: the data range of some columns mapped to a pixel range, linear or log 10. */
    private record Axis(double min, double max, boolean log, int from, int to) {

        Axis(List<double[]> rows, int firstColumn, int endColumn, boolean log, int from, int to) {
            this(range(rows, firstColumn, endColumn, log, true), range(rows, firstColumn, endColumn, log, false), log,
                    from, to);
        }

        private static double range(List<double[]> rows, int first, int end, boolean log, boolean min) {
            double value = min ? Double.MAX_VALUE : -Double.MAX_VALUE;
            for (double[] row : rows) {
                for (int i = first; i < end; i++) {
                    value = min ? Math.min(value, row[i]) : Math.max(value, row[i]);
                }
            }
            if (log) {
                return Math.pow(10, min ? Math.floor(Math.log10(value)) : Math.ceil(Math.log10(value)));
            }
            return min ? Math.min(0, value) : niceCeiling(value);
        }

        double pixel(double value) {
            double share = log ? (Math.log10(value) - Math.log10(min)) / (Math.log10(max) - Math.log10(min))
                    : (value - min) / (max - min);
            return from + share * (to - from);
        }

        List<Double> ticks() {
            List<Double> ticks = new ArrayList<>();
            if (log) {
                for (double t = min; t <= max * 1.0001; t *= 10) {
                    ticks.add(t);
                }
            } else {
                double step = niceCeiling((max - min) / 5);
                for (double t = min; t <= max + step / 1000; t += step) {
                    ticks.add(t);
                }
            }
            return ticks;
        }
    }

    /** The smallest 1, 2 or 5 times a power of ten at or above {@code value}. */
    private static double niceCeiling(double value) {
        if (value <= 0) {
            return 1;
        }
        double power = Math.pow(10, Math.floor(Math.log10(value)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * power >= value) {
                return m * power;
            }
        }
        return 10 * power;
    }

    private static String label(double value) {
        double magnitude = Math.abs(value);
        if (magnitude >= 1e6) {
            return trim(value / 1e6) + "M";
        }
        if (magnitude >= 1e3) {
            return trim(value / 1e3) + "k";
        }
        return trim(value);
    }

    private static String trim(double value) {
        String text = String.format(Locale.ROOT, "%.2f", value);
        return text.contains(".") ? text.replaceAll("0+$", "").replaceAll("\\.$", "") : text;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
