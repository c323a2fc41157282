package dev.pausable.trainer.train;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The mean loss over the validation split, scored on the executors, never collected on the driver: each
 * partition sums (minibatch score × examples) with its own copy of the network, and the driver adds the
 * partitions' sums in partition order. A sum in task-completion order (Spark's {@code reduce}, DL4J's
 * {@code calculateScore}) would differ run to run in the last bits, and so would a resumed run.
 */
final class ValidationLoss {

    private ValidationLoss() {
    }

    static double of(JavaSparkContext sc, Network net, JavaRDD<DataSet> batches) {
        Network.Kind kind = net.kind();
        Broadcast<String> configuration = sc.broadcast(net.configurationJson());
        Broadcast<INDArray> parameters = sc.broadcast(net.params().dup());
        try {
            List<double[]> partials = batches.mapPartitions(partition -> {
                if (!partition.hasNext()) {
                    return List.<double[]>of().iterator();
                }
                Network copy = Network.copy(kind, configuration.value(), parameters.value());
                double sum = 0;
                long examples = 0;
                while (partition.hasNext()) {
                    DataSet batch = partition.next();
                    sum += copy.score(batch) * batch.numExamples();
                    examples += batch.numExamples();
                }
                return List.of(new double[] {sum, examples}).iterator();
            }).collect();
            double sum = 0;
            double examples = 0;
            for (double[] partial : partials) {
                sum += partial[0];
                examples += partial[1];
            }
            return sum / examples;
        } finally {
            configuration.destroy();
            parameters.destroy();
        }
    }
}
