package dev.pausable.trainer.train;

import dev.pausable.trainer.data.Seeds;
import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One worker's part of an averaging round, run as a Spark task: the network as the round starts (the
 * averaged parameters, updater state and DL4J counters), fitted on the worker's minibatches in order,
 * returned as flat arrays.
 *
 * <p>The network itself is built once per epoch and executor thread from the configuration broadcast for
 * the epoch, and kept between the epoch's rounds (each round overwrites its parameters, updater state and
 * counters, which is all the state training reads): building it from JSON for every round cost more than
 * fitting a small network's minibatches. Arrays travel as Java arrays, which serialize in bulk.
 */
final class RoundTask implements FlatMapFunction<Iterator<DataSet>, RoundTask.Result> {

    /** The network this thread built for an epoch, by the epoch's key. */
    private static final ThreadLocal<Built> BUILT = new ThreadLocal<>();

    private final String epochKey;
    private final Network.Kind kind;
    private final Broadcast<String> configuration;
    private final Broadcast<Start> start;
    private final int threads;

    /**
     * @param epochKey      names the epoch's network: a thread's network is reused by rounds of the same key
     * @param configuration the configuration's JSON, broadcast once per epoch
     * @param start         the round's starting state
     * @param threads       ND4J threads per task; 0 leaves ND4J's own choice
     */
    RoundTask(String epochKey, Network.Kind kind, Broadcast<String> configuration, Broadcast<Start> start,
              int threads) {
        this.epochKey = epochKey;
        this.kind = kind;
        this.configuration = configuration;
        this.start = start;
        this.threads = threads;
    }

    /** The state a round starts from, as the driver averaged it. */
    record Start(Flat params, Flat updaterState, int iterationCount, int epochCount) implements Serializable {
    }

    /** What a worker gives back: its parameters, updater state and last minibatch's loss. */
    record Result(Flat params, Flat updaterState, double score) implements Serializable {
    }

    /** An array's values in its own precision, and its shape. */
    record Flat(DataType type, long[] shape, float[] floats, double[] doubles) implements Serializable {

        static Flat of(INDArray array) {
            if (array == null || array.length() == 0) {
                return null;
            }
            return array.dataType() == DataType.DOUBLE
                    ? new Flat(DataType.DOUBLE, array.shape(), null, array.toDoubleVector())
                    : new Flat(DataType.FLOAT, array.shape(), array.castTo(DataType.FLOAT).toFloatVector(), null)
                            .as(array.dataType());
        }

        private Flat as(DataType original) {
            return new Flat(original, shape, floats, doubles);
        }

        /** How many values it holds. */
        int length() {
            return doubles != null ? doubles.length : floats.length;
        }

        /** Bytes per value as held: a double's or a float's. */
        int width() {
            return doubles != null ? Double.BYTES : Float.BYTES;
        }

        /**
         * The element-wise mean of {@code flats} (same type and shape), summed in list order then divided,
         * in the arrays' own precision: the same operations ND4J's {@code addi} and {@code divi} would do.
         */
        static Flat mean(List<Flat> flats) {
            Flat first = flats.get(0);
            int count = flats.size();
            if (first.doubles() != null) {
                double[] sum = first.doubles().clone();
                for (Flat flat : flats.subList(1, count)) {
                    double[] values = flat.doubles();
                    for (int i = 0; i < sum.length; i++) {
                        sum[i] += values[i];
                    }
                }
                for (int i = 0; i < sum.length; i++) {
                    sum[i] /= count;
                }
                return new Flat(first.type(), first.shape(), null, sum);
            }
            float[] sum = first.floats().clone();
            for (Flat flat : flats.subList(1, count)) {
                float[] values = flat.floats();
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += values[i];
                }
            }
            for (int i = 0; i < sum.length; i++) {
                sum[i] /= count;
            }
            return new Flat(first.type(), first.shape(), sum, null);
        }

        INDArray toArray() {
            INDArray values = doubles != null ? Nd4j.create(doubles, shape, DataType.DOUBLE)
                    : Nd4j.create(floats, shape, 'c');
            return values.dataType() == type ? values : values.castTo(type);
        }
    }

    private record Built(String epochKey, Network network) {
    }

    /** ND4J's threads for its own ops and for BLAS (OpenBLAS keeps its own count); the whole JVM's. */
    static void useThreads(int threads) {
        if (Nd4j.getEnvironment().maxThreads() != threads) {
            Nd4j.getEnvironment().setMaxThreads(threads);
        }
        if (Nd4j.factory().blas().getMaxThreads() != threads) {
            Nd4j.factory().blas().setMaxThreads(threads);
        }
    }

    @Override
    public Iterator<Result> call(Iterator<DataSet> minibatches) {
        if (!minibatches.hasNext()) {
            return List.<Result>of().iterator();
        }
        return List.of(fit(epochKey, kind, configuration, start.value(), minibatches, Integer.MAX_VALUE, threads))
                .iterator();
    }

    /**
     * Fits up to {@code limit} of {@code minibatches} on this thread's network for the epoch, starting from
     * {@code state}; null when there is none to fit (a worker past its rows).
     */
    static Result fit(String epochKey, Network.Kind kind, Broadcast<String> configuration, Start state,
                      Iterator<DataSet> minibatches, int limit, int threads) {
        if (!minibatches.hasNext()) {
            return null;
        }
        if (threads > 0) {
            useThreads(threads);
        }
        Built built = BUILT.get();
        Network network;
        if (built != null && built.epochKey().equals(epochKey)) {
            network = built.network();
            network.setParams(state.params().toArray());
        } else {
            network = Network.copy(kind, configuration.value(), state.params().toArray());
            BUILT.set(new Built(epochKey, network));
        }
        if (state.updaterState() != null) {
            network.setUpdaterState(state.updaterState().toArray());
        }
        network.setIterationCount(state.iterationCount());
        network.setEpochCount(state.epochCount());
        // Dropout and other random layers draw from this thread's ND4J generator, which otherwise carries on
        // from whatever the thread ran before. Seeded from the round (the iteration it starts at) and the
        // worker, a round draws the same whenever, on whichever thread and in whichever attempt it is trained.
        Nd4j.getRandom().setSeed(Seeds.mix(network.seed(), Seeds.TRAINING_DRAWS, state.iterationCount(),
                TaskContext.getPartitionId()));
        for (int fitted = 0; fitted < limit && minibatches.hasNext(); fitted++) {
            network.fit(minibatches.next());
        }
        return new Result(Flat.of(network.params()), Flat.of(network.updaterState()), network.score());
    }
}
