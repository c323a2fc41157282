package dev.pausable.trainer.train;

import dev.pausable.contract.TrainerSettings;
import dev.pausable.trainer.data.Epoch;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parameter averaging in rounds we drive, with sums that do not depend on which Spark task finishes
 * first.
 *
 * <p><b>Rounds.</b> The epoch's minibatches (each worker's order a function of seed and epoch, see
 * {@link Epoch}) are cut into fixed rounds: round {@code r} gives every worker its minibatches
 * {@code [r·F, (r+1)·F)}, F the averaging frequency. A round is one Spark job of one task per worker
 * ({@link RoundTask}): the task starts from the averaged state, fits its minibatches and returns its
 * parameters, updater state and loss. After every round the driver holds the averaged parameters and
 * updater state, so a run may stop at any round boundary and a later run continue at the next round
 * exactly as if it had never stopped. A round's tasks read only the data chunks that hold its minibatches.
 *
 * <p><b>Ordered sums.</b> DL4J's own master sums worker results with {@code treeAggregate}, whose merge
 * order follows task completion: at 3+ workers the floating-point sum then differs run to run (±1e-6),
 * and so would a resumed run. Here the worker results are collected in partition order and summed in that
 * order on the driver.
 *
 * <p><b>Cost per round.</b> The starting state is broadcast as flat Java arrays (the configuration once per
 * epoch), each executor thread keeps the epoch's network between rounds instead of building it from JSON
 * every round, and results come back as flat arrays too, with the task's status rather than through the
 * block manager ({@code spark.task.maxDirectResultSize}, see {@link dev.pausable.trainer.TrainerMain#SPARK_DEFAULTS}).
 * The driver averages those arrays as they are and broadcasts the mean as the next round's start, with no
 * round trip through ND4J. DL4J's worker rebuilt the network and serialized ND4J arrays value by value,
 * which cost more than the fitting itself for small networks.
 */
public class OrderedParameterAveragingMaster {

    private static final Logger log = LoggerFactory.getLogger(OrderedParameterAveragingMaster.class);
    private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\*|\\d+)(?:,\\d+)?\\])?");
    /** How long a segment's tasks have to connect before its rounds go a Spark job each. */
    private static final Duration CONNECT_DEADLINE = Duration.ofSeconds(30);

    private final int averagingFrequency;
    private final int threadsPerTask;
    private final boolean exchange;
    private double score = Double.NaN;
    private long broadcastNanos;
    private long workersNanos;
    private long averagingNanos;
    private int roundsTrained;
    private int roundsExchanged;
    private String exchangeUnreachable;

    /**
     * @param averagingFrequency minibatches per worker between averages
     * @param threadsPerTask     ND4J threads each task fits with; 0 leaves ND4J's own choice (all cores)
     * @param exchange           whether an epoch's rounds may run as one job exchanging states with the
     *                           driver ({@link RoundExchange}) when Spark has a task slot for every worker
     */
    public OrderedParameterAveragingMaster(int averagingFrequency, int threadsPerTask, boolean exchange) {
        this.averagingFrequency = averagingFrequency;
        this.threadsPerTask = threadsPerTask;
        this.exchange = exchange;
    }

    /** {@link TrainerSettings#ROUND_EXCHANGE} under {@code conf}: whether rounds may go through the exchange. */
    public static boolean exchange(SparkConf conf) {
        String setting = conf.get(TrainerSettings.ROUND_EXCHANGE, "auto");
        return switch (setting) {
            case "auto" -> true;
            case "off" -> false;
            default -> throw new IllegalArgumentException(TrainerSettings.ROUND_EXCHANGE + " is 'auto' or 'off', not '"
                    + setting + "'");
        };
    }

    /** Decides after each round whether the epoch goes on. */
    @FunctionalInterface
    public interface AfterRound {
        /** {@code done} rounds of {@code rounds} are trained and averaged; false stops the epoch here. */
        boolean proceed(int done, int rounds) throws IOException;
    }

    /** How far an epoch got: {@code done} of its {@code total} rounds. */
    public record Rounds(int done, int total) {

        /** The share of the epoch's examples trained by this call, which started after {@code fromRound}. */
        public double fractionTrained(int fromRound) {
            return total == 0 ? 0 : (double) (done - fromRound) / total;
        }
    }

    /**
     * Where this master's rounds spent their time, on the driver: broadcasting the round's starting state,
     * waiting for the workers' Spark job (their minibatches, fits and results, and the job's scheduling), and
     * averaging.
     */
    public record Phases(int rounds, int exchangedRounds, long broadcastNanos, long workersNanos,
                         long averagingNanos) {

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d rounds (%d through the exchange): broadcast %.1f ms, workers %.1f ms,"
                    + " averaging %.1f ms per round", rounds, exchangedRounds, perRound(broadcastNanos),
                    perRound(workersNanos), perRound(averagingNanos));
        }

        public double perRound(long nanos) {
            return rounds == 0 ? 0 : nanos / 1e6 / rounds;
        }
    }

    /**
     * {@link TrainerSettings#THREADS_PER_TASK} for a job of {@code workers} workers under {@code conf}: a
     * number as set; {@code auto} shares an executor's cores among the job's tasks that can run on it at once
     * ({@code local[N]}: N cores; elsewhere {@code spark.executor.cores}, never fewer than
     * {@code spark.task.cpus}); 0 (ND4J's own choice) when the executors' cores are not set.
     */
    public static int threadsPerTask(SparkConf conf, int workers) {
        String setting = conf.get(TrainerSettings.THREADS_PER_TASK, "auto");
        if (!setting.equals("auto")) {
            return Integer.parseInt(setting);
        }
        int taskCpus = conf.getInt("spark.task.cpus", 1);
        Matcher local = LOCAL.matcher(conf.get("spark.master", ""));
        int cores;
        if (local.matches()) {
            cores = local.group(1) == null ? 1 : local.group(1).equals("*")
                    ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(local.group(1));
        } else if (conf.contains("spark.executor.cores")) {
            cores = conf.getInt("spark.executor.cores", 1);
        } else {
            return 0;
        }
        int together = Math.max(1, Math.min(cores / Math.max(1, taskCpus), workers));
        return Math.max(taskCpus, cores / together);
    }

    /**
     * Why a segment's tasks did not all reach the driver's exchange (a port the executors cannot reach, or
     * too few free task slots), if they did not: trying again every epoch would cost the connect deadline
     * every epoch.
     */
    public Optional<String> exchangeUnreachable() {
        return Optional.ofNullable(exchangeUnreachable);
    }

    public Phases phases() {
        return new Phases(roundsTrained, roundsExchanged, broadcastNanos, workersNanos, averagingNanos);
    }

    /** The mean of the workers' losses in the last round averaged. */
    public double score() {
        return score;
    }

    /**
     * Trains rounds {@code fromRound}, {@code fromRound + 1}, … of {@code epoch} (one partition per worker
     * in every round), until the epoch is complete or {@code after} stops it. The network's epoch count
     * moves on only when the epoch is complete (as {@code fit} does).
     */
    public Rounds fitRounds(JavaSparkContext sc, Network network, Epoch epoch, int fromRound, AfterRound after)
            throws IOException {
        String epochKey = UUID.randomUUID().toString();
        Broadcast<String> configuration = sc.broadcast(network.configurationJson());
        try {
            int rounds = epoch.rounds();
            Progress progress = new Progress(fromRound, new RoundTask.Start(RoundTask.Flat.of(network.params()),
                    RoundTask.Flat.of(network.updaterState()), network.iterationCount(), network.epochCount()));
            if (progress.done < rounds && exchangeFits(sc, epoch.workers())
                    && !segment(sc, network, epoch, epochKey, configuration, progress, after)) {
                return new Rounds(progress.done, rounds);
            }
            while (progress.done < rounds) {
                List<RoundTask.Result> results = round(sc, network, epoch, progress, epochKey, configuration);
                if (!averaged(network, progress, results, rounds, after)) {
                    return new Rounds(progress.done, rounds);
                }
            }
            network.incrementEpochCount();
            return new Rounds(rounds, rounds);
        } finally {
            configuration.destroy();
        }
    }

    /** Rounds trained so far and the state the next one starts from. */
    private static final class Progress {
        int done;
        RoundTask.Start start;

        Progress(int done, RoundTask.Start start) {
            this.done = done;
            this.start = start;
        }
    }

    /** Whether the epoch's rounds go through a {@link RoundExchange}: all its tasks must run at once. */
    private boolean exchangeFits(JavaSparkContext sc, int workers) {
        return exchange && workers <= sc.defaultParallelism();
    }

    /**
     * Trains the epoch's remaining rounds as one Spark job whose tasks stay up and exchange each round's
     * state with this driver ({@link SegmentTask}): the same minibatches, starting states and ordered
     * averages as a job per round, without a job's fixed cost every round. Returns false when
     * {@code after} stopped the epoch; true when the epoch's rounds are all trained, or when the exchange
     * broke, in which case {@code progress} holds the rounds it completed and the rest go a job per round.
     */
    private boolean segment(JavaSparkContext sc, Network network, Epoch epoch, String epochKey,
                            Broadcast<String> configuration, Progress progress, AfterRound after) throws IOException {
        SparkConf conf = sc.getConf();
        String host = conf.get("spark.driver.host", "localhost");
        int rounds = epoch.rounds();
        boolean ended = false;
        boolean connected = false;
        try (RoundExchange exchange = RoundExchange.open(conf.get("spark.driver.bindAddress", host), host)) {
            JavaFutureAction<Void> job = epoch.roundsFrom(progress.done).foreachPartitionAsync(
                    new SegmentTask(exchange, epochKey, network.kind(), configuration, averagingFrequency,
                            threadsPerTask));
            try {
                exchange.connect(epoch.workers(), System.nanoTime() + CONNECT_DEADLINE.toNanos(), job);
                connected = true;
                while (progress.done < rounds) {
                    long started = System.nanoTime();
                    List<RoundTask.Result> results = exchange.round(progress.start);
                    workersNanos += System.nanoTime() - started;
                    roundsExchanged++;
                    if (!averaged(network, progress, results, rounds, after)) {
                        ended = exchange.stop();
                        return false;
                    }
                }
                ended = exchange.stop();
                return true;
            } catch (RoundExchange.Broken e) {
                if (!connected) {
                    exchangeUnreachable = e.getMessage();
                }
                log.warn("Rounds through the driver's exchange stopped at round {} of {} ({}); the rest go a "
                        + "Spark job per round", progress.done, rounds, e.getMessage());
                return true;
            } finally {
                if (!ended) {
                    job.cancel(true);
                }
                // A task blocked reading its socket ends when the socket closes; Spark's cancel cannot stop it.
                exchange.close();
                awaitQuietly(job);
            }
        }
    }

    /** The segment's job, done or cancelled: its tasks' end, not its result, is what matters here. */
    private static void awaitQuietly(JavaFutureAction<Void> job) {
        try {
            job.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | CancellationException e) {
            log.debug("Segment job ended with {}", e.toString());
        }
    }

    /** Round {@code progress.done} as a Spark job: its starting state broadcast, the workers' results collected. */
    private List<RoundTask.Result> round(JavaSparkContext sc, Network network, Epoch epoch, Progress progress,
                                         String epochKey, Broadcast<String> configuration) {
        long started = System.nanoTime();
        Broadcast<RoundTask.Start> start = sc.broadcast(progress.start);
        long broadcast = System.nanoTime();
        try {
            return epoch.round(progress.done)
                    .mapPartitions(new RoundTask(epochKey, network.kind(), configuration, start, threadsPerTask), true)
                    .collect();
        } finally {
            start.destroy();
            broadcastNanos += broadcast - started;
            workersNanos += System.nanoTime() - broadcast;
        }
    }

    /**
     * A round's results averaged into the network and {@code progress}, whichever way they came; false when
     * {@code after} stops the epoch at this round.
     */
    private boolean averaged(Network network, Progress progress, List<RoundTask.Result> results, int rounds,
                             AfterRound after) throws IOException {
        long started = System.nanoTime();
        progress.start = average(network, progress.start, results);
        averagingNanos += System.nanoTime() - started;
        roundsTrained++;
        progress.done++;
        return progress.done >= rounds || after.proceed(progress.done, rounds);
    }

    /**
     * The results' mean, summed in partition order, becomes the network's state and the next round's start;
     * the iteration count moves on. The sums are taken on the Java arrays the results arrived as, which the
     * next round's broadcast sends as they are.
     */
    private RoundTask.Start average(Network network, RoundTask.Start state, List<RoundTask.Result> results) {
        if (results.isEmpty()) {
            return state;
        }
        RoundTask.Flat params = RoundTask.Flat.mean(results.stream().map(RoundTask.Result::params).toList());
        RoundTask.Flat updaterState = results.get(0).updaterState() == null ? null
                : RoundTask.Flat.mean(results.stream().map(RoundTask.Result::updaterState).toList());
        network.setParams(params.toArray());
        if (updaterState != null) {
            network.setUpdaterState(updaterState.toArray());
        }
        double scoreSum = 0;
        for (RoundTask.Result result : results) {
            scoreSum += result.score();
        }
        score = scoreSum / results.size();
        network.setIterationCount(network.iterationCount() + averagingFrequency);
        return new RoundTask.Start(params, updaterState, network.iterationCount(), network.epochCount());
    }
}
