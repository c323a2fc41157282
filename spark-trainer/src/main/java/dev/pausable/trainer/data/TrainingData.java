package dev.pausable.trainer.data;

import dev.pausable.contract.DatasetFormat;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.nd4j.linalg.dataset.DataSet;
import scala.Option;
import scala.Tuple2;

/**
 * A dataset prepared for exact, resumable training on data larger than memory: a deterministic
 * train/validation split by row id; the training rows of each of the {@code workers} workers in
 * chunks of about {@code chunkBytes} of raw values, each a random sample of the worker's rows in id order (so the
 * layout does not depend on how the files were read); the validation rows likewise. Chunks are kept
 * serialized and spill to disk ({@code MEMORY_AND_DISK_SER}), never as objects that must all fit; a
 * task deserializes only the chunks it reads. Minibatches come per round from {@link #epoch}.
 */
public final class TrainingData {

    /** Validation chunks scored by one task. */
    static final int VALIDATION_CHUNKS_PER_TASK = 64;
    /** About this much raw data per chunk by default: what a round's task deserializes to take its minibatches. */
    public static final int DEFAULT_CHUNK_BYTES = 256 * 1024;

    private final JavaRDD<Chunk> train;
    private final JavaRDD<Chunk> validation;
    private final long[] trainRowsPerChunk;
    private final long trainCount;
    private final long validationCount;
    private final int workers;
    private final int nf;
    private final int nl;
    private final long[] exampleShape;

    private TrainingData(JavaRDD<Chunk> train, JavaRDD<Chunk> validation, long[] trainRowsPerChunk,
                         long validationCount, int workers, int nf, int nl, long[] exampleShape) {
        this.exampleShape = exampleShape;
        this.train = train;
        this.validation = validation;
        this.trainRowsPerChunk = trainRowsPerChunk;
        this.trainCount = Arrays.stream(trainRowsPerChunk).sum();
        this.validationCount = validationCount;
        this.workers = workers;
        this.nf = nf;
        this.nl = nl;
    }

    /**
     * {@code featureShape}: null for scalar feature columns, else the shape of the one feature column's arrays;
     * {@code exampleShape}: how a minibatch gives each example to the network (the same values, flat or in the
     * dataset's shape).
     */
    public static TrainingData load(SparkSession spark, String uri, DatasetFormat format, List<String> features,
                                    List<Integer> featureShape, List<String> labels, long seed,
                                    double validationSplit, int workers, int chunkBytes, long[] exampleShape) {
        // CSV values arrive as text and are cast like Parquet's numbers; a header row names the columns.
        Dataset<Row> frame = format == DatasetFormat.CSV
                ? spark.read().option("header", true).csv(uri)
                : spark.read().parquet(uri);
        List<String> available = Arrays.asList(frame.columns());
        for (String column : concat(features, labels)) {
            if (!available.contains(column)) {
                throw new IllegalArgumentException("Dataset " + uri + " has no column '" + column + "'");
            }
        }
        Columns columns = new Columns(features, featureShape, labels.size());
        int nf = columns.nf();
        int nl = labels.size();
        List<Column> selected = new ArrayList<>();
        if (featureShape != null) {
            Column array = functions.col(features.get(0));
            // A CSV cell holds the array's numbers separated by spaces or semicolons.
            selected.add((format == DatasetFormat.CSV ? functions.split(functions.trim(array), "[;\\s]+") : array)
                    .cast("array<double>"));
        } else {
            features.forEach(column -> selected.add(functions.col(column).cast("double")));
        }
        labels.forEach(column -> selected.add(functions.col(column).cast("double")));
        JavaRDD<Example> examples;
        if (available.contains("id")) {
            selected.add(0, functions.col("id").cast("long"));
            examples = frame.select(selected.toArray(Column[]::new)).javaRDD()
                    .map(row -> columns.example(row.getLong(0), row, 1));
        } else {
            // No id column: the row's position in the (sorted) file listing is its id.
            examples = frame.select(selected.toArray(Column[]::new)).javaRDD().zipWithIndex()
                    .map(pair -> columns.example(pair._2(), pair._1(), 0));
        }
        long threshold = (long) (validationSplit * 1_000_000);
        Map<Boolean, Long> counts = examples.map(e -> bucket(seed, e.id()) < threshold).countByValue();
        long trainRows = counts.getOrDefault(false, 0L);
        long validationRows = counts.getOrDefault(true, 0L);
        if (trainRows == 0 || validationRows == 0) {
            throw new IllegalArgumentException("Dataset " + uri + " is too small: " + trainRows + " training and "
                    + validationRows + " validation rows");
        }
        int rowsPerChunk = Math.max(1, chunkBytes / (Long.BYTES * (1 + nf + nl)));
        JavaRDD<Chunk> train = chunked(examples.filter(e -> bucket(seed, e.id()) >= threshold),
                new ChunkPartitioner(seed, workers, chunks(trainRows, workers, rowsPerChunk)), nf, nl);
        JavaRDD<Chunk> validation = chunked(examples.filter(e -> bucket(seed, e.id()) < threshold),
                new ChunkPartitioner(seed, 1, chunks(validationRows, 1, rowsPerChunk)), nf, nl);
        long[] rowsPerTrainChunk = rowsPerPartition(train);
        rowsPerPartition(validation);
        return new TrainingData(train, validation, rowsPerTrainChunk, validationRows, workers, nf, nl, exampleShape);
    }

    private static int chunks(long rows, int workers, int rowsPerChunk) {
        return (int) Math.max(1, (rows + (long) workers * rowsPerChunk - 1) / ((long) workers * rowsPerChunk));
    }

    /** The rows in chunks by id: an external sort (it spills), then one chunk per partition, cached serialized. */
    private static JavaRDD<Chunk> chunked(JavaRDD<Example> rows, ChunkPartitioner partitioner, int nf, int nl) {
        return rows.mapToPair(e -> new Tuple2<>(e.id(), e))
                .repartitionAndSortWithinPartitions(partitioner)
                .mapPartitionsWithIndex((partition, sorted) -> {
                    List<Example> list = new ArrayList<>();
                    sorted.forEachRemaining(pair -> list.add(pair._2()));
                    return List.of(Chunk.of(partition, list, nf, nl)).iterator();
                }, true)
                .persist(StorageLevel.MEMORY_AND_DISK_SER());
    }

    /** Rows per partition, in partition order (this also computes and caches the chunks). */
    private static long[] rowsPerPartition(JavaRDD<Chunk> chunks) {
        return chunks.map(chunk -> (long) chunk.rows()).collect().stream().mapToLong(Long::longValue).toArray();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static long bucket(long seed, long id) {
        return Math.floorMod(Seeds.mix(seed, Seeds.VALIDATION, id), 1_000_000L);
    }

    /**
     * How a selected row (feature columns or the array column, then labels, all cast to double) becomes an
     * example. An empty value, or one that is not a number (cast to null), fails the job naming the row and
     * column; so does an array of another length than its shape.
     */
    private record Columns(List<String> features, List<Integer> featureShape, int nl) implements Serializable {

        int nf() {
            return featureShape == null ? features.size() : featureShape.stream().mapToInt(Integer::intValue)
                    .reduce(1, Math::multiplyExact);
        }

        Example example(long id, Row row, int offset) {
            int nf = nf();
            double[] f = new double[nf];
            int next = offset;
            if (featureShape == null) {
                for (int i = 0; i < nf; i++) {
                    f[i] = number(row, next++, id);
                }
            } else {
                String column = features.get(0);
                if (row.isNullAt(next)) {
                    throw new IllegalArgumentException("Row " + id + " has no values in column '" + column + "'");
                }
                List<Object> values = row.getList(next++);
                if (values.size() != nf) {
                    throw new IllegalArgumentException("Row " + id + " has " + values.size() + " values in column '"
                            + column + "', but its shape " + featureShape + " holds " + nf);
                }
                for (int i = 0; i < nf; i++) {
                    if (values.get(i) == null) {
                        throw new IllegalArgumentException("Row " + id + " has no number at position " + i
                                + " of column '" + column + "'");
                    }
                    f[i] = (Double) values.get(i);
                }
            }
            double[] l = new double[nl];
            for (int i = 0; i < nl; i++) {
                l[i] = number(row, next++, id);
            }
            return new Example(id, f, l);
        }

        private static double number(Row row, int index, long id) {
            if (row.isNullAt(index)) {
                throw new IllegalArgumentException("Row " + id + " has no number in column '"
                        + row.schema().fields()[index].name() + "'");
            }
            return row.getDouble(index);
        }
    }

    public long trainCount() {
        return trainCount;
    }

    public long validationCount() {
        return validationCount;
    }

    /**
     * Mean and standard deviation of every feature and label over the training split, summed per
     * chunk in id order and combined in partition order (a sum in task-completion order is not reproducible).
     */
    public Standardization standardization() {
        List<double[]> partials = train.map(chunk -> {
            double[] acc = new double[1 + 2 * (chunk.nf() + chunk.nl())];
            int f = chunk.nf();
            int l = chunk.nl();
            for (int r = 0; r < chunk.rows(); r++) {
                acc[0]++;
                for (int i = 0; i < f; i++) {
                    double x = chunk.features()[r * f + i];
                    acc[1 + i] += x;
                    acc[1 + f + l + i] += x * x;
                }
                for (int i = 0; i < l; i++) {
                    double y = chunk.labels()[r * l + i];
                    acc[1 + f + i] += y;
                    acc[1 + 2 * f + l + i] += y * y;
                }
            }
            return acc;
        }).collect();
        return Standardization.fromSums(partials, nf, nl);
    }

    /** Epoch {@code epoch}'s minibatches of {@code batchSize}, in rounds of {@code averagingFrequency} per worker. */
    public Epoch epoch(long seed, int epoch, int batchSize, int averagingFrequency, Standardization stats) {
        return new Epoch(train, trainRowsPerChunk, workers, seed, epoch, batchSize, averagingFrequency, stats,
                exampleShape);
    }

    /**
     * The validation split as standardized minibatches of {@code batchSize}, each chunk in id order; a
     * partition holds {@link #VALIDATION_CHUNKS_PER_TASK} consecutive chunks (a task per chunk would cost
     * more than the scoring), a grouping fixed by the data alone, so per-partition sums combined in
     * partition order are the same on every run.
     */
    public JavaRDD<DataSet> validationBatches(int batchSize, Standardization stats) {
        long[] shape = exampleShape;
        int chunks = validation.getNumPartitions();
        int[][] groups = new int[(chunks + VALIDATION_CHUNKS_PER_TASK - 1) / VALIDATION_CHUNKS_PER_TASK][];
        for (int g = 0; g < groups.length; g++) {
            int from = g * VALIDATION_CHUNKS_PER_TASK;
            groups[g] = IntStream.range(from, Math.min(chunks, from + VALIDATION_CHUNKS_PER_TASK))
                    .toArray();
        }
        return validation.rdd().coalesce(groups.length, false, Option.apply(new ChunkGroups(groups)), null)
                .toJavaRDD()
                .mapPartitions(grouped -> inIdOrder(grouped, batchSize, stats, shape), true);
    }

    private static Iterator<DataSet> inIdOrder(Iterator<Chunk> chunks, int batchSize, Standardization stats,
                                               long[] exampleShape) {
        List<DataSet> batches = new ArrayList<>();
        while (chunks.hasNext()) {
            Chunk chunk = chunks.next();
            for (int from = 0; from < chunk.rows(); from += batchSize) {
                Minibatch batch = new Minibatch(Math.min(batchSize, chunk.rows() - from), exampleShape, chunk.nl());
                for (int row = from; row < Math.min(chunk.rows(), from + batchSize); row++) {
                    batch.add(chunk, row, stats);
                }
                batches.add(batch.toDataSet());
            }
        }
        return batches.iterator();
    }

    public int workers() {
        return workers;
    }

    public int chunksPerWorker() {
        return trainRowsPerChunk.length / workers;
    }

    public void release() {
        train.unpersist(false);
        validation.unpersist(false);
    }
}
