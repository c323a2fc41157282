package dev.pausable.trainer.bench;

import dev.pausable.contract.DatasetFormat;
import dev.pausable.contract.TrainingConfig;
import dev.pausable.trainer.Trainer;
import dev.pausable.trainer.TrainerFixture;
import dev.pausable.trainer.data.Standardization;
import dev.pausable.trainer.data.TrainingData;
import dev.pausable.trainer.train.ModelFactory;
import dev.pausable.trainer.train.Network;
import dev.pausable.trainer.train.OrderedParameterAveragingMaster;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Not a test: {@code mvn -Pbench verify -pl spark-trainer -Dit.test=ThroughputBenchmark}. Training
 * throughput of our ordered parameter averaging at 2 workers ({@code local[2]}) against one JVM's plain
 * {@code MultiLayerNetwork.fit} on the same minibatches (batch 64; the one JVM uses both cores through
 * ND4J's own threads), for the built-in network at about 5k, 271k and 1M parameters, averaging every 5
 * (and every 20) minibatches; and where a round's time goes on the driver. Only training is timed, on both
 * sides (no validation, database or checkpoints; for the averaging side the whole of {@code fitRounds}, minibatch
 * assembly from the cached chunks included, for the one JVM the fits of minibatches it already holds). Epochs alternate between the two, after a warm-up epoch
 * each. Results also go to target/bench/throughput.txt.
 */
class ThroughputBenchmark {

    private static final int ROWS = Integer.getInteger("bench.rows", 40_000);
    private static final int EPOCHS = Integer.getInteger("bench.epochs", 3);
    /** Rounds through the driver's exchange (spark.pausable.roundExchange=auto); false: a Spark job per round. */
    private static final boolean EXCHANGE = Boolean.parseBoolean(System.getProperty("bench.exchange", "true"));
    private static final List<String> FEATURES = List.of("rss_0", "rss_1", "rss_2", "rss_3", "rss_4", "rss_5",
            "rss_6", "rss_7");

    private final TrainerFixture fx = TrainerFixture.get();
    private final Report report = new Report();
    /** ND4J's own thread counts, before the workers' tasks (in this JVM: local mode) set theirs. */
    private static final int OPS_THREADS = Nd4j.getEnvironment().maxThreads();
    private static final int BLAS_THREADS = Nd4j.factory().blas().getMaxThreads();
    private static final List<String> MODELS = List.of(System.getProperty("bench.models", "5k,271k,1M").split(","));

    /** A network size: its hidden layers and the averaging frequencies measured for it. */
    private record Model(String name, String hiddenLayers, int... frequencies) {
    }

    @Test
    void averagingAtTwoWorkersAgainstOneJvm() throws Exception {
        UUID dataset = fx.generateDataset(ROWS, FEATURES.size(), 1000, 4.0);
        String uri = fx.queryString("SELECT uri FROM datasets WHERE id = ?", dataset);
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(fx.spark.sparkContext());
        report.line("dataset: %d rows x %d features, batch 64, %d epochs per side, 2 workers on local[2] vs one JVM",
                ROWS, FEATURES.size(), EPOCHS);
        report.line("ND4J threads in one JVM: %d (BLAS %d); rounds %s", OPS_THREADS, BLAS_THREADS,
                EXCHANGE ? "through the driver's exchange" : "a Spark job each");
        for (Model model : List.of(new Model("5k", "[64, 64]", 5, 20), new Model("271k", "[512, 512]", 5),
                new Model("1M", "[1024, 1024]", 5))) {
            if (!MODELS.contains(model.name())) {
                continue;
            }
            for (int frequency : model.frequencies()) {
                compare(sc, dataset, uri, model, frequency);
            }
        }
        report.write("throughput.txt");
    }

    private void compare(JavaSparkContext sc, UUID dataset, String uri, Model model, int frequency) throws Exception {
        TrainingConfig config = Trainer.trainingConfig("""
                {"dataset_id": "%s", "epochs": %d, "batch_size": 64, "learning_rate": 0.001, "seed": 5, "workers": 2,
                 "validation_split": 0.2, "hidden_layers": %s, "optimizer": "adam", "averaging_frequency": %d}"""
                .formatted(dataset, EPOCHS, model.hiddenLayers(), frequency));
        TrainingData data = TrainingData.load(fx.spark, uri, DatasetFormat.PARQUET, FEATURES, null, List.of("x", "y"),
                config.seed(), config.validationSplit(), config.workers(), TrainingData.DEFAULT_CHUNK_BYTES,
                new long[] {FEATURES.size()});
        try {
            Standardization stats = data.standardization();
            MultiLayerNetwork single = ModelFactory.create(config, FEATURES.size(), 2, false);
            Network averaged = new Network.Stack(ModelFactory.create(config, FEATURES.size(), 2, false));
            long[] singleNanos = new long[EPOCHS];
            long[] averagedNanos = new long[EPOCHS];
            List<OrderedParameterAveragingMaster.Phases> phases = new ArrayList<>();
            oneJvm(single, data, config, stats, 0);
            averaging(sc, averaged, data, config, stats, 0);
            for (int epoch = 1; epoch <= EPOCHS; epoch++) {
                if (epoch % 2 == 1) {
                    singleNanos[epoch - 1] = oneJvm(single, data, config, stats, epoch);
                }
                long started = System.nanoTime();
                OrderedParameterAveragingMaster master = averaging(sc, averaged, data, config, stats, epoch);
                averagedNanos[epoch - 1] = System.nanoTime() - started;
                phases.add(master.phases());
                if (epoch % 2 == 0) {
                    singleNanos[epoch - 1] = oneJvm(single, data, config, stats, epoch);
                }
            }
            double samples = data.trainCount();
            double singleRate = samples / (Report.median(singleNanos) / 1e9);
            double averagedRate = samples / (Report.median(averagedNanos) / 1e9);
            report.line("%s (%d parameters), averaging every %d: one JVM %.0f samples/s, 2 workers %.0f samples/s, "
                    + "ratio %.2f", model.name(), single.numParams(), frequency, singleRate, averagedRate,
                    averagedRate / singleRate);
            OrderedParameterAveragingMaster.Phases last = phases.get(phases.size() - 1);
            double singleRoundMs = Report.median(singleNanos) / 1e6 / last.rounds();
            report.line("  per round: %s; the same minibatches in one JVM: %.1f ms", last, singleRoundMs);
        } finally {
            data.release();
        }
    }

    /** Epoch {@code epoch}'s minibatches, every worker's in turn, fitted by one network; only the fits timed. */
    private static long oneJvm(MultiLayerNetwork net, TrainingData data, TrainingConfig config, Standardization stats,
                               int epoch) {
        List<DataSet> batches = data.epoch(config.seed(), epoch + 1, config.batchSize(), config.averagingFrequency(),
                stats).all().collect();
        Nd4j.getEnvironment().setMaxThreads(OPS_THREADS);
        Nd4j.factory().blas().setMaxThreads(BLAS_THREADS);
        long started = System.nanoTime();
        for (DataSet batch : batches) {
            net.fit(batch);
        }
        return System.nanoTime() - started;
    }

    private static OrderedParameterAveragingMaster averaging(JavaSparkContext sc, Network net, TrainingData data,
                                                             TrainingConfig config, Standardization stats, int epoch)
            throws Exception {
        OrderedParameterAveragingMaster master = new OrderedParameterAveragingMaster(config.averagingFrequency(),
                OrderedParameterAveragingMaster.threadsPerTask(sc.getConf(), config.workers()),
                EXCHANGE);
        master.fitRounds(sc, net, data.epoch(config.seed(), epoch + 1, config.batchSize(),
                config.averagingFrequency(), stats), 0, (done, total) -> true);
        return master;
    }

}
