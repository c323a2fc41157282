package dev.pausable.trainer.train;

import dev.pausable.contract.Dataset;
import dev.pausable.contract.DatasetTask;
import dev.pausable.contract.TrainingConfig;
import dev.pausable.networks.DataShape;
import dev.pausable.networks.NetworkConfiguration;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.AdaGrad;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.linalg.schedule.StepSchedule;

/**
 * The network a job's config describes: the built-in one (dense ReLU layers, and a regression or softmax
 * head) or the job's own DL4J configuration, checked against the dataset again as the control plane did.
 */
public final class ModelFactory {

    private ModelFactory() {
    }

    public static Network create(TrainingConfig config, Dataset dataset) {
        TrainingConfig.Model model = config.model();
        if (model.builtIn()) {
            return new Network.Stack(create(config, dataset.featureCount(), dataset.labelColumns().size(),
                    dataset.task() == DatasetTask.CLASSIFICATION));
        }
        return Network.of(NetworkConfiguration.check("config.model.configuration", model.configuration(),
                DataShape.of(dataset)));
    }

    /** The built-in network. */
    public static MultiLayerNetwork create(TrainingConfig config, int inputs, int outputs, boolean classification) {
        NeuralNetConfiguration.ListBuilder layers = new NeuralNetConfiguration.Builder()
                .seed(config.seed())
                .weightInit(WeightInit.XAVIER)
                .updater(updater(config))
                .list();
        int previous = inputs;
        List<Integer> hidden = config.model().hiddenLayers();
        for (int i = 0; i < hidden.size(); i++) {
            layers.layer(i, new DenseLayer.Builder().nIn(previous).nOut(hidden.get(i))
                    .activation(Activation.RELU).build());
            previous = hidden.get(i);
        }
        OutputLayer head = classification
                ? new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                        .nIn(previous).nOut(outputs).build()
                : new OutputLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY)
                        .nIn(previous).nOut(outputs).build();
        layers.layer(hidden.size(), head);
        MultiLayerConfiguration configuration = layers.build();
        MultiLayerNetwork network = new MultiLayerNetwork(configuration);
        network.init();
        return network;
    }

    /** The learning-rate schedule over epochs (DL4J keeps the epoch counter in the configuration). */
    private static ISchedule schedule(TrainingConfig config) {
        TrainingConfig.LrSchedule s = config.lrSchedule();
        String type = s == null || s.type() == null ? "none" : s.type();
        return switch (type) {
            case "none" -> null;
            case "step" -> new StepSchedule(ScheduleType.EPOCH, config.learningRate(), s.gamma(), s.stepEpochs());
            case "exponential" -> new ExponentialSchedule(ScheduleType.EPOCH, config.learningRate(), s.gamma());
            default -> throw new IllegalArgumentException("Unknown lr_schedule type '" + type + "'");
        };
    }

    static IUpdater updater(TrainingConfig config) {
        ISchedule schedule = schedule(config);
        double lr = config.learningRate();
        return switch (config.optimizer()) {
            case "adam" -> schedule == null ? new Adam(lr) : new Adam(schedule);
            case "sgd" -> schedule == null ? new Sgd(lr) : new Sgd(schedule);
            case "nesterovs" -> schedule == null ? new Nesterovs(lr, 0.9) : new Nesterovs(schedule, 0.9);
            case "rmsprop" -> schedule == null ? new RmsProp(lr) : new RmsProp(schedule);
            case "adagrad" -> schedule == null ? new AdaGrad(lr) : new AdaGrad(schedule);
            default -> throw new IllegalArgumentException("Unknown optimizer '" + config.optimizer() + "'");
        };
    }
}
