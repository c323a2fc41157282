package dev.pausable.trainer.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import scala.Tuple2;

/**
 * A dataset prepared for exact, resumable training: a deterministic train/validation split by row id,
 * training rows spread over {@code workers} partitions by row id and sorted within them (so the
 * layout does not depend on how the files were read), standardization statistics of the training
 * split, and per-epoch minibatches whose order is a function of (seed, epoch) only.
 */
public final class TrainingData {

    private final JavaRDD<Example> train;
    private final List<Example> validation;
    private final long trainCount;
    private final int workers;
    private JavaRDD<Block> packed;
    private Standardization packedFor;

    private TrainingData(JavaRDD<Example> train, List<Example> validation, long trainCount, int workers) {
        this.train = train;
        this.validation = validation;
        this.trainCount = trainCount;
        this.workers = workers;
    }

    public static TrainingData load(SparkSession spark, String uri, List<String> features, List<String> labels,
                                    long seed, double validationSplit, int workers) {
        Dataset<Row> frame = spark.read().parquet(uri);
        List<String> available = Arrays.asList(frame.columns());
        for (String column : concat(features, labels)) {
            if (!available.contains(column)) {
                throw new IllegalArgumentException("Dataset " + uri + " has no column '" + column + "'");
            }
        }
        int nf = features.size();
        int nl = labels.size();
        List<Column> selected = new ArrayList<>();
        for (String column : concat(features, labels)) {
            selected.add(functions.col(column).cast("double"));
        }
        JavaRDD<Example> examples;
        if (available.contains("id")) {
            selected.add(0, functions.col("id").cast("long"));
            examples = frame.select(selected.toArray(Column[]::new)).javaRDD()
                    .map(row -> toExample(row.getLong(0), row, 1, nf, nl));
        } else {
            // No id column: the row's position in the (sorted) file listing is its id.
            examples = frame.select(selected.toArray(Column[]::new)).javaRDD().zipWithIndex()
                    .map(pair -> toExample(pair._2(), pair._1(), 0, nf, nl));
        }
        long threshold = (long) (validationSplit * 1_000_000);
        JavaRDD<Example> trainRows = examples.filter(e -> bucket(seed, e.id()) >= threshold);
        List<Example> validation = new ArrayList<>(examples.filter(e -> bucket(seed, e.id()) < threshold).collect());
        validation.sort(Comparator.comparingLong(Example::id));

        JavaRDD<Example> train = trainRows
                .mapToPair(e -> new Tuple2<>(Math.floorMod(Seeds.mix(seed, Seeds.PARTITION, e.id()), workers), e))
                .partitionBy(new HashPartitioner(workers))
                .values()
                .mapPartitions(TrainingData::sortedById, true)
                .persist(StorageLevel.MEMORY_ONLY());
        long count = train.count();
        if (count == 0 || validation.isEmpty()) {
            throw new IllegalArgumentException("Dataset " + uri + " is too small: " + count + " training and "
                    + validation.size() + " validation rows");
        }
        return new TrainingData(train, validation, count, workers);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static long bucket(long seed, long id) {
        return Math.floorMod(Seeds.mix(seed, Seeds.VALIDATION, id), 1_000_000L);
    }

    private static Example toExample(long id, Row row, int offset, int nf, int nl) {
        double[] f = new double[nf];
        double[] l = new double[nl];
        for (int i = 0; i < nf; i++) {
            f[i] = row.getDouble(offset + i);
        }
        for (int i = 0; i < nl; i++) {
            l[i] = row.getDouble(offset + nf + i);
        }
        return new Example(id, f, l);
    }

    private static Iterator<Example> sortedById(Iterator<Example> rows) {
        List<Example> list = new ArrayList<>();
        rows.forEachRemaining(list::add);
        list.sort(Comparator.comparingLong(Example::id));
        return list.iterator();
    }

    public long trainCount() {
        return trainCount;
    }

    public int validationCount() {
        return validation.size();
    }

    /**
     * Mean and standard deviation of every feature and label over the training split, summed per
     * partition and combined in partition order (a sum in task-completion order is not reproducible).
     */
    public Standardization standardization() {
        List<double[]> partials = train.mapPartitions(rows -> {
            double[] acc = null;
            while (rows.hasNext()) {
                Example e = rows.next();
                int nf = e.features().length;
                int nl = e.labels().length;
                if (acc == null) {
                    acc = new double[1 + 2 * (nf + nl)];
                }
                acc[0]++;
                for (int i = 0; i < nf; i++) {
                    acc[1 + i] += e.features()[i];
                    acc[1 + nf + nl + i] += e.features()[i] * e.features()[i];
                }
                for (int i = 0; i < nl; i++) {
                    acc[1 + nf + i] += e.labels()[i];
                    acc[1 + 2 * nf + nl + i] += e.labels()[i] * e.labels()[i];
                }
            }
            return acc == null ? List.<double[]>of().iterator() : List.of(acc).iterator();
        }).collect();
        Example first = validation.get(0);
        return Standardization.fromSums(partials, first.features().length, first.labels().length);
    }

    /**
     * The epoch's minibatches: each partition's rows in an order drawn from (seed, epoch, partition),
     * cut into DataSets of {@code batchSize} inside the tasks. The standardized rows are packed and
     * cached once per standardization, so an epoch only permutes and copies floats.
     */
    public JavaRDD<DataSet> epochBatches(long seed, int epoch, int batchSize, Standardization stats) {
        return packed(stats).mapPartitionsWithIndex((partition, blocks) -> {
            List<DataSet> batches = new ArrayList<>();
            while (blocks.hasNext()) {
                Block block = blocks.next();
                int[] order = permutation(block.rows(), new SplittableRandom(
                        Seeds.mix(seed, Seeds.EPOCH_ORDER, epoch, partition)));
                for (int from = 0; from < block.rows(); from += batchSize) {
                    batches.add(block.batch(order, from, Math.min(block.rows(), from + batchSize)));
                }
            }
            return batches.iterator();
        }, true);
    }

    private JavaRDD<Block> packed(Standardization stats) {
        if (packedFor != stats) {
            if (packed != null) {
                packed.unpersist(false);
            }
            packed = train.mapPartitions(rows -> {
                List<Example> list = new ArrayList<>();
                rows.forEachRemaining(list::add);
                if (list.isEmpty()) {
                    return List.<Block>of().iterator();
                }
                int nf = stats.featureMean().length;
                int nl = stats.labelMean().length;
                float[] features = new float[list.size() * nf];
                float[] labels = new float[list.size() * nl];
                for (int r = 0; r < list.size(); r++) {
                    stats.standardizeInto(list.get(r), features, r * nf, labels, r * nl);
                }
                return List.of(new Block(list.size(), nf, nl, features, labels)).iterator();
            }, true).persist(StorageLevel.MEMORY_ONLY());
            packedFor = stats;
        }
        return packed;
    }

    /** One partition's standardized rows, row-major, in id order. */
    record Block(int rows, int nf, int nl, float[] features, float[] labels) implements Serializable {

        DataSet batch(int[] order, int from, int to) {
            int size = to - from;
            float[] f = new float[size * nf];
            float[] l = new float[size * nl];
            for (int r = 0; r < size; r++) {
                int row = order[from + r];
                System.arraycopy(features, row * nf, f, r * nf, nf);
                System.arraycopy(labels, row * nl, l, r * nl, nl);
            }
            return new DataSet(Nd4j.create(f, new long[] {size, nf}, 'c'), Nd4j.create(l, new long[] {size, nl}, 'c'));
        }
    }

    private static int[] permutation(int size, SplittableRandom random) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        for (int i = size - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        return order;
    }

    /** The validation split as standardized minibatches (on the driver: scoring it is deterministic). */
    public List<DataSet> validationBatches(int batchSize, Standardization stats) {
        List<DataSet> batches = new ArrayList<>();
        for (int from = 0; from < validation.size(); from += batchSize) {
            batches.add(stats.toDataSet(validation.subList(from, Math.min(validation.size(), from + batchSize))));
        }
        return batches;
    }

    public int workers() {
        return workers;
    }

    public void release() {
        train.unpersist(false);
        if (packed != null) {
            packed.unpersist(false);
        }
    }
}
