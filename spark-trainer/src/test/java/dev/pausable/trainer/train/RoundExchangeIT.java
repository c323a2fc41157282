package dev.pausable.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pausable.contract.DatasetFormat;
import dev.pausable.contract.TrainingConfig;
import dev.pausable.trainer.Trainer;
import dev.pausable.trainer.TrainerFixture;
import dev.pausable.trainer.data.Epoch;
import dev.pausable.trainer.data.Standardization;
import dev.pausable.trainer.data.TrainingData;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An epoch's rounds as one Spark job exchanging states with the driver train exactly what a Spark job per
 * round trains: the same parameters and updater state, bit for bit, over two epochs, also when the
 * exchange is stopped within an epoch (a pause at a round) and the epoch is continued by a new one.
 */
class RoundExchangeIT {

    private static final List<String> FEATURES = List.of("rss_0", "rss_1", "rss_2", "rss_3");
    private static TrainingData data;
    private static TrainingConfig config;
    private final TrainerFixture fx = TrainerFixture.get();

    @BeforeAll
    static void load() throws Exception {
        TrainerFixture fx = TrainerFixture.get();
        UUID dataset = fx.generateDataset(3000, FEATURES.size(), 300, 2.0);
        config = Trainer.trainingConfig("""
                {"dataset_id": "%s", "epochs": 2, "batch_size": 32, "learning_rate": 0.01, "seed": 21, "workers": 2,
                 "validation_split": 0.2, "hidden_layers": [16], "optimizer": "adam", "averaging_frequency": 3}"""
                .formatted(dataset));
        // Small chunks: a worker's rounds span several of them.
        data = TrainingData.load(fx.spark, fx.queryString("SELECT uri FROM datasets WHERE id = ?", dataset),
                DatasetFormat.PARQUET, FEATURES, null, List.of("x", "y"), config.seed(), config.validationSplit(),
                config.workers(), 8192, new long[] {FEATURES.size()});
    }

    @AfterAll
    static void release() {
        data.release();
    }

    @Test
    void roundsThroughTheExchangeTrainWhatAJobPerRoundTrains() throws Exception {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(fx.spark.sparkContext());
        Standardization stats = data.standardization();
        Network perRound = new Network.Stack(ModelFactory.create(config, FEATURES.size(), 2, false));
        Network exchanged = new Network.Stack(ModelFactory.create(config, FEATURES.size(), 2, false));
        int exchangedRounds = 0;
        for (int epoch = 1; epoch <= 2; epoch++) {
            new OrderedParameterAveragingMaster(config.averagingFrequency(), 1, false)
                    .fitRounds(sc, perRound, epoch(epoch, stats), 0, (done, total) -> true);

            int stopAt = epoch == 1 ? 4 : Integer.MAX_VALUE;
            OrderedParameterAveragingMaster first = new OrderedParameterAveragingMaster(config.averagingFrequency(),
                    1, true);
            OrderedParameterAveragingMaster.Rounds rounds = first.fitRounds(sc, exchanged, epoch(epoch, stats), 0,
                    (done, total) -> done < stopAt);
            exchangedRounds += first.phases().exchangedRounds();
            if (rounds.done() < rounds.total()) {
                assertThat(rounds.done()).isEqualTo(stopAt);
                OrderedParameterAveragingMaster rest = new OrderedParameterAveragingMaster(config.averagingFrequency(),
                        1, true);
                rest.fitRounds(sc, exchanged, epoch(epoch, stats), rounds.done(), (done, total) -> true);
                exchangedRounds += rest.phases().exchangedRounds();
            }
        }
        assertThat(exchangedRounds).as("rounds trained through the exchange").isPositive();
        assertThat(exchanged.params().toFloatVector()).containsExactly(perRound.params().toFloatVector());
        assertThat(exchanged.updaterState().toFloatVector()).containsExactly(perRound.updaterState().toFloatVector());
        assertThat(exchanged.iterationCount()).isEqualTo(perRound.iterationCount());
        assertThat(exchanged.epochCount()).isEqualTo(2);
    }

    /**
     * One of local[2]'s two task slots held by another job: the segment's second task cannot start, so after
     * the connect deadline its job is cancelled and every round goes a Spark job each, training the same;
     * the master reports the exchange unreachable, so the training loop does not try it every epoch.
     */
    @Test
    void withoutASlotForEveryWorkerTheRoundsGoAJobEach() throws Exception {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(fx.spark.sparkContext());
        Standardization stats = data.standardization();
        Network perRound = new Network.Stack(ModelFactory.create(config, FEATURES.size(), 2, false));
        new OrderedParameterAveragingMaster(config.averagingFrequency(), 1, false)
                .fitRounds(sc, perRound, epoch(1, stats), 0, (done, total) -> true);

        JavaFutureAction<Void> blocker = sc.parallelize(List.of(1), 1).foreachAsync(one -> {
            HOLDING.countDown();
            RELEASE.await();
        });
        try {
            assertThat(HOLDING.await(1, TimeUnit.MINUTES)).as("a slot held").isTrue();
            Network fellBack = new Network.Stack(ModelFactory.create(config, FEATURES.size(), 2, false));
            OrderedParameterAveragingMaster master = new OrderedParameterAveragingMaster(config.averagingFrequency(),
                    1, true);
            OrderedParameterAveragingMaster.Rounds rounds = master.fitRounds(sc, fellBack, epoch(1, stats), 0,
                    (done, total) -> true);

            assertThat(rounds.done()).isEqualTo(rounds.total());
            assertThat(master.phases().exchangedRounds()).isZero();
            assertThat(master.exchangeUnreachable()).as("not tried again by later epochs")
                    .hasValue("1 of 2 tasks connected in time (too few free task slots?)");
            assertThat(master.phases().rounds()).isEqualTo(rounds.total());
            assertThat(fellBack.params().toFloatVector()).containsExactly(perRound.params().toFloatVector());
        } finally {
            RELEASE.countDown();
            blocker.get(1, TimeUnit.MINUTES);
        }
    }

    /** In the test's JVM, which local mode's tasks share: static, so a task's closure does not copy them. */
    private static final CountDownLatch HOLDING = new CountDownLatch(1);
    private static final CountDownLatch RELEASE = new CountDownLatch(1);

    private static Epoch epoch(int epoch, Standardization stats) {
        return data.epoch(config.seed(), epoch, config.batchSize(), config.averagingFrequency(), stats);
    }
}
