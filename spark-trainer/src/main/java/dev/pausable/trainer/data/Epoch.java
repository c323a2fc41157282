package dev.pausable.trainer.data;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
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

    /** Workers: partitions of every round. */
    public int workers() {
        return workers;
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

    /** The minibatches of rounds {@code fromRound} to the epoch's last, one partition per worker, in order. */
    public JavaRDD<DataSet> roundsFrom(int fromRound) {
        return positions((long) fromRound * frequency * batchSize, Long.MAX_VALUE);
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

    /**
     * The minibatches at positions {@code [from, to)} of a worker's sequence, from its chunks that hold them,
     * assembled as they are read: a task that trains many rounds holds one chunk and one minibatch at a time.
     */
    private static Iterator<DataSet> batches(Iterator<Chunk> visited, long[] startOf, long seed, int epoch, long from,
                                             long to, int batchSize, Standardization stats, long[] exampleShape) {
        return new Iterator<>() {
            private Chunk chunk;
            private int[] order;
            private long start;
            private long position;
            private long last;
            private DataSet next;
            private boolean done;

            @Override
            public boolean hasNext() {
                if (next == null && !done) {
                    next = assemble();
                }
                return next != null;
            }

            @Override
            public DataSet next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                DataSet batch = next;
                next = null;
                return batch;
            }

            /** The next minibatch (a worker's last may be short, and may span chunks); null after the last. */
            private DataSet assemble() {
                Minibatch batch = null;
                while (true) {
                    if (chunk == null || position >= last) {
                        if (!visited.hasNext()) {
                            done = true;
                            return batch == null ? null : batch.toDataSet();
                        }
                        chunk = visited.next();
                        start = startOf[chunk.partition()];
                        order = Permutations.of(chunk.rows(),
                                new SplittableRandom(Seeds.mix(seed, Seeds.EPOCH_ORDER, epoch, chunk.partition())));
                        position = Math.max(from, start);
                        last = Math.min(to, start + chunk.rows());
                        continue;
                    }
                    if (batch == null) {
                        batch = new Minibatch(batchSize, exampleShape, chunk.nl());
                    }
                    batch.add(chunk, order[(int) (position - start)], stats);
                    position++;
                    if (batch.full()) {
                        return batch.toDataSet();
                    }
                }
            }
        };
    }
}
