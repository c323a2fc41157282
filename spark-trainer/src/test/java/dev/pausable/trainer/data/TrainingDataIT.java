package dev.pausable.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import dev.pausable.contract.DatasetFormat;
import dev.pausable.trainer.TrainerFixture;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

/** The chunked layout on Spark local[2]: what an epoch's rounds hand the workers, however the rows are chunked. */
class TrainingDataIT {

    private static final long SEED = 7;
    private static final int BATCH = 32;
    private static final int FREQUENCY = 3;
    private static String uri;

    @BeforeAll
    static void generateDataset() {
        TrainerFixture fx = TrainerFixture.get();
        UUID dataset = fx.generateDataset(3000, 4, 400, 2.0);
        uri = fx.queryString("SELECT uri FROM datasets WHERE id = ?", dataset);
    }

    private static TrainingData load(int chunkBytes) {
        return TrainingData.load(TrainerFixture.get().spark, uri, DatasetFormat.PARQUET, List.of("rss_0", "rss_1", "rss_2", "rss_3"),
                null, List.of("x", "y"), SEED, 0.2, 2, chunkBytes, new long[] {4});
    }

    /** Each partition's minibatches (at most {@code maxBatches}), their rows as text, one list per worker. */
    private static List<List<String>> rowsPerWorker(JavaRDD<DataSet> round, int maxBatches) {
        return round.glom().collect().stream().map(batches -> {
            List<String> rows = new ArrayList<>();
            for (DataSet batch : batches) {
                assertThat(batch.numExamples()).isBetween(1, BATCH);
                for (int r = 0; r < batch.numExamples(); r++) {
                    rows.add(Arrays.toString(batch.getFeatures().getRow(r).toFloatVector())
                            + Arrays.toString(batch.getLabels().getRow(r).toFloatVector()));
                }
            }
            assertThat(batches.size()).isLessThanOrEqualTo(maxBatches);
            return rows;
        }).toList();
    }

    private static List<String> epochRows(Epoch epoch, List<List<String>> perWorkerOut) {
        List<String> all = new ArrayList<>();
        for (int round = 0; round < epoch.rounds(); round++) {
            List<List<String>> workers = rowsPerWorker(epoch.round(round), FREQUENCY);
            assertThat(workers).hasSize(2);
            for (int w = 0; w < workers.size(); w++) {
                if (perWorkerOut.size() <= w) {
                    perWorkerOut.add(new ArrayList<>());
                }
                perWorkerOut.get(w).addAll(workers.get(w));
                all.addAll(workers.get(w));
            }
        }
        return all;
    }

    @Test
    void everyTrainingRowOnceAnEpochHoweverItIsChunkedInRoundsThatAreTheSameWheneverTheyAreRead() {
        TrainingData whole = load(TrainingData.DEFAULT_CHUNK_BYTES);
        TrainingData chunked = load(1024);
        try {
            assertThat(whole.chunksPerWorker()).isEqualTo(1);
            assertThat(chunked.chunksPerWorker()).as("about 21 rows a chunk").isGreaterThan(40);
            assertThat(chunked.trainCount()).isEqualTo(whole.trainCount());
            assertThat(chunked.validationCount()).isEqualTo(whole.validationCount());
            Standardization stats = whole.standardization();

            List<List<String>> wholeWorkers = new ArrayList<>();
            List<String> wholeRows = epochRows(whole.epoch(SEED, 1, BATCH, FREQUENCY, stats), wholeWorkers);
            List<List<String>> chunkedWorkers = new ArrayList<>();
            Epoch first = chunked.epoch(SEED, 1, BATCH, FREQUENCY, stats);
            List<String> chunkedRows = epochRows(first, chunkedWorkers);

            assertThat(chunkedRows).hasSize((int) whole.trainCount()).doesNotHaveDuplicates();
            assertThat(chunkedRows).containsExactlyInAnyOrderElementsOf(wholeRows);
            for (int w = 0; w < 2; w++) {
                assertThat(chunkedWorkers.get(w)).as("a worker keeps its rows, whatever the chunking")
                        .containsExactlyInAnyOrderElementsOf(wholeWorkers.get(w));
            }
            assertThat(rowsPerWorker(first.all(), Integer.MAX_VALUE)).as("all(): the rounds in one pass")
                    .isEqualTo(chunkedWorkers);
            assertThat(rowsPerWorker(first.round(2), FREQUENCY)).as("a round read again")
                    .isEqualTo(rowsPerWorker(chunked.epoch(SEED, 1, BATCH, FREQUENCY, stats).round(2), FREQUENCY));
            List<String> secondEpoch = epochRows(chunked.epoch(SEED, 2, BATCH, FREQUENCY, stats), new ArrayList<>());
            assertThat(secondEpoch).containsExactlyInAnyOrderElementsOf(chunkedRows).isNotEqualTo(chunkedRows);
        } finally {
            whole.release();
            chunked.release();
        }
    }

    @Test
    void theStandardizationDoesNotDependOnHowTheRowsAreReadAndBarelyOnTheChunking() {
        TrainingData a = load(2048);
        TrainingData b = load(2048);
        TrainingData whole = load(TrainingData.DEFAULT_CHUNK_BYTES);
        try {
            Standardization first = a.standardization();
            assertThat(b.standardization()).usingRecursiveComparison().isEqualTo(first);
            Standardization reference = whole.standardization();
            for (int i = 0; i < 4; i++) {
                assertThat(first.featureMean()[i]).isCloseTo(reference.featureMean()[i],
                        offset(1e-9 * Math.abs(reference.featureMean()[i]) + 1e-12));
            }
        } finally {
            a.release();
            b.release();
            whole.release();
        }
    }
}
