package dev.pausable.trainer.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A radio-localization learning problem: a transmitter at a uniformly random position in a square
 * area, fixed receivers, and the received signal strength at each receiver from log-distance path
 * loss plus log-normal shadowing. Features {@code rss_0..rss_{R-1}} (dBm), labels {@code x}, {@code y}
 * (metres), plus a stable {@code id}. With a signal window, also {@code rss_window}: at each receiver
 * {@code window} samples of the received signal strength, its mean plus Rayleigh-like fast fading (Gaussian
 * in dB, σ {@value #FAST_FADING_DB} dB), receiver-major. Every row is a function of (seed, id) alone, so the
 * dataset is identical for a given seed whatever the partitioning.
 */
public final class SyntheticRssGenerator {

    /** Path loss at the 1 m reference distance (free space near 2.4 GHz). */
    private static final double REFERENCE_LOSS_DB = 40.0;
    static final double FAST_FADING_DB = 2.0;
    public static final String WINDOW_COLUMN = "rss_window";

    private SyntheticRssGenerator() {
    }

    public record Settings(long numSamples, long seed, int numReceivers, double areaSizeM, double pathLossExponent,
                           double shadowingSigmaDb, double txPowerDbm, int partitions, int signalWindow)
            implements Serializable {
    }

    /** The columns a model trains on: the receivers' scalar columns, or the signal window. */
    public static List<String> featureColumns(Settings settings) {
        return settings.signalWindow() > 0 ? List.of(WINDOW_COLUMN) : featureColumns(settings.numReceivers());
    }

    /** The signal window's shape, [receivers, samples]; null without one. */
    public static List<Integer> featureShape(Settings settings) {
        return settings.signalWindow() > 0 ? List.of(settings.numReceivers(), settings.signalWindow()) : null;
    }

    public static List<String> featureColumns(int receivers) {
        List<String> columns = new ArrayList<>();
        for (int i = 0; i < receivers; i++) {
            columns.add("rss_" + i);
        }
        return columns;
    }

    public static List<String> labelColumns() {
        return List.of("x", "y");
    }

    /** Receivers on a ring at 40% of the area's half-width around its centre, the first one at the centre. */
    static double[][] receiverPositions(Settings s) {
        double[][] positions = new double[s.numReceivers()][2];
        double centre = s.areaSizeM() / 2;
        positions[0] = new double[] {centre, centre};
        SplittableRandom jitter = new SplittableRandom(Seeds.mix(s.seed(), Seeds.RECEIVERS));
        for (int i = 1; i < s.numReceivers(); i++) {
            double angle = 2 * Math.PI * (i - 1) / (s.numReceivers() - 1) + jitter.nextDouble(-0.1, 0.1);
            double radius = s.areaSizeM() * 0.4;
            positions[i] = new double[] {centre + radius * Math.cos(angle), centre + radius * Math.sin(angle)};
        }
        return positions;
    }

    static double[] row(Settings s, double[][] receivers, long id) {
        SplittableRandom random = new SplittableRandom(Seeds.mix(s.seed(), Seeds.ROW, id));
        double x = random.nextDouble() * s.areaSizeM();
        double y = random.nextDouble() * s.areaSizeM();
        double[] values = new double[receivers.length + 2];
        for (int i = 0; i < receivers.length; i++) {
            double distance = Math.max(1.0, Math.hypot(x - receivers[i][0], y - receivers[i][1]));
            double shadowing = gaussian(random) * s.shadowingSigmaDb();
            values[i] = s.txPowerDbm() - REFERENCE_LOSS_DB - 10 * s.pathLossExponent() * Math.log10(distance) + shadowing;
        }
        values[receivers.length] = x;
        values[receivers.length + 1] = y;
        return values;
    }

    /** The window of row {@code id}: receiver i's samples at [i·window, (i+1)·window), around its mean {@code rss[i]}. */
    static double[] window(Settings s, double[] rss, int receivers, long id) {
        SplittableRandom random = new SplittableRandom(Seeds.mix(s.seed(), Seeds.SIGNAL_WINDOW, id));
        double[] samples = new double[receivers * s.signalWindow()];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = rss[i / s.signalWindow()] + gaussian(random) * FAST_FADING_DB;
        }
        return samples;
    }

    /** Box-Muller on the row's own generator (java.util.Random's gaussian is not splittable). */
    private static double gaussian(SplittableRandom random) {
        double u1 = 1.0 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    public static StructType schema(Settings settings) {
        List<StructField> fields = new ArrayList<>();
        fields.add(DataTypes.createStructField("id", DataTypes.LongType, false));
        for (String column : featureColumns(settings.numReceivers())) {
            fields.add(DataTypes.createStructField(column, DataTypes.DoubleType, false));
        }
        for (String column : labelColumns()) {
            fields.add(DataTypes.createStructField(column, DataTypes.DoubleType, false));
        }
        if (settings.signalWindow() > 0) {
            fields.add(DataTypes.createStructField(WINDOW_COLUMN,
                    DataTypes.createArrayType(DataTypes.DoubleType, false), false));
        }
        return DataTypes.createStructType(fields);
    }

    /**
     * Generates the dataset and writes it as Parquet. Fails if {@code uri} exists, unless
     * {@code replacePartial}: a restarted job replaces what its own lost attempt left there.
     */
    public static void write(SparkSession spark, Settings settings, String uri, boolean replacePartial) {
        double[][] receivers = receiverPositions(settings);
        JavaRDD<Row> rows = spark.range(0, settings.numSamples(), 1, settings.partitions()).javaRDD()
                .map(id -> {
                    double[] values = row(settings, receivers, id);
                    Object[] cells = new Object[values.length + (settings.signalWindow() > 0 ? 2 : 1)];
                    cells[0] = id;
                    for (int i = 0; i < values.length; i++) {
                        cells[i + 1] = values[i];
                    }
                    if (settings.signalWindow() > 0) {
                        double[] window = window(settings, values, receivers.length, id);
                        cells[values.length + 1] = Arrays.stream(window).boxed().toArray(Double[]::new);
                    }
                    return RowFactory.create(cells);
                });
        Dataset<Row> frame = spark.createDataFrame(rows, schema(settings));
        frame.write().mode(replacePartial ? SaveMode.Overwrite : SaveMode.ErrorIfExists).parquet(uri);
    }
}
