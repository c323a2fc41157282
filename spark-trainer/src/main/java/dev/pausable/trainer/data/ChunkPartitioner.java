package dev.pausable.trainer.data;

import org.apache.spark.Partitioner;

/**
 * Places a row, by its id alone, in partition {@code worker · chunks + chunk}: the worker from
 * {@code (seed, PARTITION, id)} as always, the chunk within the worker from {@code (seed, CHUNK, id)},
 * so every chunk is a random sample of its worker's rows and the layout never depends on how the
 * files were read.
 */
final class ChunkPartitioner extends Partitioner {

    private final long seed;
    private final int workers;
    private final int chunksPerWorker;

    ChunkPartitioner(long seed, int workers, int chunksPerWorker) {
        this.seed = seed;
        this.workers = workers;
        this.chunksPerWorker = chunksPerWorker;
    }

    @Override
    public int numPartitions() {
        return workers * chunksPerWorker;
    }

    @Override
    public int getPartition(Object key) {
        long id = (Long) key;
        int worker = workers == 1 ? 0 : (int) Math.floorMod(Seeds.mix(seed, Seeds.PARTITION, id), (long) workers);
        int chunk = chunksPerWorker == 1 ? 0
                : (int) Math.floorMod(Seeds.mix(seed, Seeds.CHUNK, id), (long) chunksPerWorker);
        return worker * chunksPerWorker + chunk;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ChunkPartitioner that && seed == that.seed && workers == that.workers
                && chunksPerWorker == that.chunksPerWorker;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(seed) * 31 * 31 + workers * 31 + chunksPerWorker;
    }
}
