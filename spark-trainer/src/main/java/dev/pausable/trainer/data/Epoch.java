package dev.pausable.trainer.data;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.nd4j.linalg.dataset.DataSet;
import scala.Option;

/**
 * One epoch's minibatches, round by round. A worker visits its chunks in an order drawn from
 * {@code (seed, CHUNK_ORDER, epoch, worker)} and each chunk's rows in an order drawn from
 * {@code (seed, EPOCH_ORDER, epoch, partition)}; that sequence is cut into minibatches of the batch size,
 * and round {@code r} gives every worker its minibatches {@code [r·F, (r+1)·F)}, F the averaging
 * frequency. Everything is a function of (seed, epoch), so a round is the same whenever it is trained,
 * and a round's task deserializes only the chunks its rows lie in.
 */
public final class Epoch {

    private final JavaRDD<Chunk> chunks;
    private final long seed;
    private final int epoch;
    private final int batchSize;
    private final int frequency;
    private final Standardization stats;
    private final long[] exampleShape;
    private final int workers;
    /** Per worker, its chunks' partitions in visiting order. */
    private final int[][] visits;
    /** Per chunk partition, where its rows start in its worker's sequence this epoch. */
    private final long[] startOf;
    private final long[] rowsOf;
    private final int rounds;

    Epoch(JavaRDD<Chunk> chunks, long[] rowsOf, int workers, long seed, int epoch, int batchSize, int frequency,
          Standardization stats, long[] exampleShape) {
        this.exampleShape = exampleShape;
        this.chunks = chunks;
        this.rowsOf = rowsOf;
        this.seed = seed;
        this.epoch = epoch;
        this.batchSize = batchSize;
        this.frequency = frequency;
        this.stats = stats;
        this.workers = workers;
        int chunksPerWorker = rowsOf.length / workers;
        this.visits = new int[workers][];
        this.startOf = new long[rowsOf.length];
        long mostBatches = 0;
        for (int w = 0; w < workers; w++) {
            int[] order = Permutations.of(chunksPerWorker,
                    new SplittableRandom(Seeds.mix(seed, Seeds.CHUNK_ORDER, epoch, w)));
            visits[w] = new int[chunksPerWorker];
            long position = 0;
            for (int k = 0; k < chunksPerWorker; k++) {
                int partition = w * chunksPerWorker + order[k];
                visits[w][k] = partition;
                startOf[partition] = position;
                position += rowsOf[partition];
            }
            mostBatches = Math.max(mostBatches, (position + batchSize - 1) / batchSize);
        }
        this.rounds = (int) ((mostBatches + frequency - 1) / frequency);
    }

    /** Rounds in this epoch: enough for the worker with the most minibatches. */
    public int rounds() {
        return rounds;
    }

    /** Round {@code round}'s minibatches: one partition per worker, in order (a worker past its rows: none). */
    public JavaRDD<DataSet> round(int round) {
        long from = (long) round * frequency * batchSize;
        return positions(from, from + (long) frequency * batchSize);
    }

    /** All the epoch's minibatches, one partition per worker (DL4J's own {@code fit} takes them so). */
    public JavaRDD<DataSet> all() {
        return positions(0, Long.MAX_VALUE);
    }

    /** The minibatches at positions {@code [from, to)} of every worker's sequence ({@code from} a multiple of the batch size). */
    private JavaRDD<DataSet> positions(long from, long to) {
        int[][] groups = new int[workers][];
        for (int w = 0; w < workers; w++) {
            List<Integer> needed = new ArrayList<>();
            for (int partition : visits[w]) {
                if (rowsOf[partition] > 0 && startOf[partition] < to && startOf[partition] + rowsOf[partition] > from) {
                    needed.add(partition);
                }
            }
            groups[w] = needed.stream().mapToInt(Integer::intValue).toArray();
        }
        long[] starts = startOf;
        long mixSeed = seed;
        int mixEpoch = epoch;
        int size = batchSize;
        Standardization standardization = stats;
        long[] shape = exampleShape;
        JavaRDD<Chunk> perWorker = chunks.rdd()
                .coalesce(workers, false, Option.apply(new ChunkGroups(groups)), null)
                .toJavaRDD();
        return perWorker.mapPartitions(visited -> batches(visited, starts, mixSeed, mixEpoch, from, to, size,
                standardization, shape), true);
    }

    /** The minibatches at positions {@code [from, to)} of a worker's sequence, from its chunks that hold them. */
    private static Iterator<DataSet> batches(Iterator<Chunk> visited, long[] startOf, long seed, int epoch, long from,
                                             long to, int batchSize, Standardization stats, long[] exampleShape) {
        List<DataSet> batches = new ArrayList<>();
        Minibatch batch = null;
        while (visited.hasNext()) {
            Chunk chunk = visited.next();
            long start = startOf[chunk.partition()];
            int[] order = Permutations.of(chunk.rows(),
                    new SplittableRandom(Seeds.mix(seed, Seeds.EPOCH_ORDER, epoch, chunk.partition())));
            long first = Math.max(from, start);
            long last = Math.min(to, start + chunk.rows());
            for (long position = first; position < last; position++) {
                if (batch == null) {
                    batch = new Minibatch(batchSize, exampleShape, chunk.nl());
                }
                batch.add(chunk, order[(int) (position - start)], stats);
                if (batch.full()) {
                    batches.add(batch.toDataSet());
                    batch = null;
                }
            }
        }
        if (batch != null) {
            batches.add(batch.toDataSet());
        }
        return batches.iterator();
    }
}
