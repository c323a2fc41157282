package dev.pausable.contract;

import static dev.pausable.contract.ConfigChecks.orDefault;
import static dev.pausable.contract.ConfigChecks.require;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The {@code config} of a training job, in both processes. The control plane binds a request to it
 * and stores its {@link #normalized} form (defaults applied, seed drawn); the trainer binds the stored
 * JSON to the same type and reads it through {@link #stored()}, so a field added here reaches the
 * trainer with its default without any change to the trainer's parsing.
 *
 * @param datasetId             required; a registered dataset
 * @param epochs                required; 1..10000
 * @param batchSize             required; 1..4096
 * @param learningRate          required for the built-in model; > 0, the initial rate of the schedule
 * @param seed                  model init and data order; default: drawn at creation and stored
 * @param workers               parallel workers = data partitions; default 2 (1..256)
 * @param validationSplit       share of the rows held out for validation; default 0.2 (0.01..0.5)
 * @param hiddenLayers          the built-in model's layers when {@code model} is not given (the API before
 *                              {@code model}); normalized into {@code model.hidden_layers}
 * @param model                 the network: default {"type": "mlp", "hidden_layers": [64, 64]}, see {@link Model}
 * @param optimizer             the built-in model's: adam (default), sgd, nesterovs, rmsprop, adagrad
 * @param lrSchedule            the built-in model's; default {"type": "none"}
 * @param earlyStopPatience     epochs without validation improvement before stopping; 0 (default) = off
 * @param averagingFrequency    minibatches per worker between parameter averaging; default 5 (1..1000)
 * @param checkpointEveryEpochs periodic checkpoint interval; 0 (default) = only pause and final checkpoints
 * @param checkpointIntervalSeconds a periodic checkpoint at the first epoch boundary this long after the
 *                              last one; default 600, 0 = off (0..604800)
 * @param keepCheckpoints       periodic checkpoints kept; older ones are deleted; default 2 (1..1000)
 * @param keepBest              keep a checkpoint of the best validation loss (kind {@code best}); default true
 * @param maxRestarts           automatic restarts from the latest checkpoint after an attempt ends without
 *                              an outcome; default 3, 0 = off (0..100)
 */
public record TrainingConfig(
        UUID datasetId,
        Integer epochs,
        Integer batchSize,
        Double learningRate,
        Long seed,
        Integer workers,
        Double validationSplit,
        List<Integer> hiddenLayers,
        Model model,
        String optimizer,
        LrSchedule lrSchedule,
        Integer earlyStopPatience,
        Integer averagingFrequency,
        Integer checkpointEveryEpochs,
        Integer checkpointIntervalSeconds,
        Integer keepCheckpoints,
        Boolean keepBest,
        Integer maxRestarts) {

    public static final Set<String> OPTIMIZERS = Set.of("adam", "sgd", "nesterovs", "rmsprop", "adagrad");

    /**
     * The config as the trainer uses it: the stored form, validated again and with the defaults of
     * fields added since it was stored. Normalizing is idempotent, so a config stored by this
     * version of the contract comes back unchanged.
     */
    public TrainingConfig stored() {
        return normalized(require("seed", seed));
    }

    /** Validates and fills in defaults; {@code generatedSeed} is used when no seed was given. */
    public TrainingConfig normalized(long generatedSeed) {
        require("dataset_id", datasetId);
        ConfigChecks.range("epochs", require("epochs", epochs), 1, 10_000);
        ConfigChecks.range("batch_size", require("batch_size", batchSize), 1, 4096);
        Model network = model == null ? Model.mlp(layers("hidden_layers", hiddenLayers)) : model.normalized();
        if (model != null && hiddenLayers != null) {
            throw ConfigChecks.invalid("hidden_layers", "is given as model.hidden_layers when model is set");
        }
        Double rate = null;
        String optimizer = null;
        LrSchedule schedule = null;
        if (network.builtIn()) {
            rate = ConfigChecks.positive("learning_rate", require("learning_rate", learningRate));
            optimizer = orDefault(this.optimizer, "adam");
            if (!OPTIMIZERS.contains(optimizer)) {
                throw ConfigChecks.invalid("optimizer", "must be one of " + OPTIMIZERS.stream().sorted().toList());
            }
            schedule = orDefault(lrSchedule, LrSchedule.NONE).normalized();
        } else {
            ownedByTheNetwork("learning_rate", learningRate);
            ownedByTheNetwork("optimizer", this.optimizer);
            ownedByTheNetwork("lr_schedule", lrSchedule);
        }
        int workers = ConfigChecks.range("workers", orDefault(this.workers, 2), 1, 256);
        double split = orDefault(validationSplit, 0.2);
        if (!(split >= 0.01 && split <= 0.5)) {
            throw ConfigChecks.invalid("validation_split", "must be between 0.01 and 0.5");
        }
        int patience = ConfigChecks.range("early_stop_patience", orDefault(earlyStopPatience, 0), 0, 10_000);
        int averaging = ConfigChecks.range("averaging_frequency", orDefault(averagingFrequency, 5), 1, 1000);
        int checkpointEvery = ConfigChecks.range("checkpoint_every_epochs", orDefault(checkpointEveryEpochs, 0), 0, 10_000);
        int interval = ConfigChecks.range("checkpoint_interval_seconds", orDefault(checkpointIntervalSeconds, 600),
                0, 604_800);
        int keep = ConfigChecks.range("keep_checkpoints", orDefault(keepCheckpoints, 2), 1, 1000);
        int restarts = ConfigChecks.range("max_restarts", orDefault(maxRestarts, 3), 0, 100);
        return new TrainingConfig(datasetId, epochs, batchSize, rate, orDefault(seed, generatedSeed), workers,
                split, null, network, optimizer, schedule, patience, averaging, checkpointEvery, interval, keep,
                orDefault(keepBest, true), restarts);
    }

    /** This config training {@code network} instead. */
    public TrainingConfig withModel(Model network) {
        return new TrainingConfig(datasetId, epochs, batchSize, learningRate, seed, workers, validationSplit,
                hiddenLayers, network, optimizer, lrSchedule, earlyStopPatience, averagingFrequency,
                checkpointEveryEpochs, checkpointIntervalSeconds, keepCheckpoints, keepBest, maxRestarts);
    }

    /** A DL4J configuration carries its own updater and schedule: the job's fields for them are refused. */
    private static void ownedByTheNetwork(String field, Object value) {
        if (value != null) {
            throw ConfigChecks.invalid(field, "is set by the network's own configuration (model type 'dl4j'); "
                    + "remove it");
        }
    }

    /** 1 to 16 hidden layers of 1 to 4096 units; default [64, 64]. */
    private static List<Integer> layers(String field, List<Integer> given) {
        List<Integer> layers = orDefault(given, List.of(64, 64));
        if (layers.isEmpty() || layers.size() > 16) {
            throw ConfigChecks.invalid(field, "must list 1 to 16 layer sizes");
        }
        for (int i = 0; i < layers.size(); i++) {
            String element = field + "[" + i + "]";
            ConfigChecks.range(element, require(element, layers.get(i)), 1, 4096);
        }
        return List.copyOf(layers);
    }

    /**
     * The network a job trains.
     * <ul>
     * <li>{@code {"type": "mlp", "hidden_layers": [64, 64]}}: the built-in network (dense ReLU layers and a
     * regression or softmax head), trained with the job's {@code optimizer}, {@code learning_rate} and
     * {@code lr_schedule}.</li>
     * <li>{@code {"type": "dl4j", "configuration": {…}}}: the JSON of a DL4J {@code MultiLayerConfiguration}
     * or {@code ComputationGraphConfiguration} ({@code toJson()}), or {@code "configuration_uri"}: such a file
     * under the data roots, which the control plane reads when the job is created and stores as
     * {@code configuration} (the job never changes when the file does). The network's updater and schedule
     * are its own.</li>
     * </ul>
     * Whether a DL4J configuration fits the dataset is checked where DL4J is at hand (the control plane's
     * network check, the trainer); here only its form.
     */
    public record Model(String type, List<Integer> hiddenLayers, Map<String, Object> configuration,
                        String configurationUri) {

        public static final String MLP = "mlp";
        public static final String DL4J = "dl4j";

        static Model mlp(List<Integer> hiddenLayers) {
            return new Model(MLP, hiddenLayers, null, null);
        }

        public boolean builtIn() {
            return MLP.equals(type);
        }

        Model normalized() {
            String kind = require("model.type", type);
            return switch (kind) {
                case MLP -> {
                    if (configuration != null || configurationUri != null) {
                        throw ConfigChecks.invalid("model." + (configuration != null ? "configuration"
                                : "configuration_uri"), "is only used by the 'dl4j' model");
                    }
                    yield mlp(layers("model.hidden_layers", hiddenLayers));
                }
                case DL4J -> {
                    if (hiddenLayers != null) {
                        throw ConfigChecks.invalid("model.hidden_layers", "is only used by the 'mlp' model; a 'dl4j' "
                                + "model's layers are in its configuration");
                    }
                    if (configuration == null && configurationUri == null) {
                        throw ConfigChecks.invalid("model.configuration", "is required (or configuration_uri)");
                    }
                    if (configuration != null && configuration.isEmpty()) {
                        throw ConfigChecks.invalid("model.configuration", "is empty");
                    }
                    if (configurationUri != null) {
                        StorageUris.requireSupported("config.model.configuration_uri", configurationUri);
                    }
                    yield this;
                }
                default -> throw ConfigChecks.invalid("model.type", "must be one of [dl4j, mlp]");
            };
        }

        /** This model with {@code configuration} as read from its {@code configuration_uri}. */
        public Model withConfiguration(Map<String, Object> read) {
            return new Model(type, hiddenLayers, read, configurationUri);
        }
    }

    /**
     * Learning-rate schedule over epochs: {@code none}; {@code step} (multiply by {@code gamma} every
     * {@code step_epochs}); {@code exponential} (multiply by {@code gamma} every epoch).
     */
    public record LrSchedule(String type, Double gamma, Integer stepEpochs) {

        public static final LrSchedule NONE = new LrSchedule("none", null, null);

        LrSchedule normalized() {
            String kind = type == null ? "none" : type;
            return switch (kind) {
                case "none" -> {
                    if (gamma != null || stepEpochs != null) {
                        throw ConfigChecks.invalid("lr_schedule", "of type 'none' takes no gamma or step_epochs");
                    }
                    yield NONE;
                }
                case "step" -> new LrSchedule(kind, gamma("lr_schedule.gamma"),
                        ConfigChecks.range("lr_schedule.step_epochs", require("lr_schedule.step_epochs", stepEpochs), 1, 10_000));
                case "exponential" -> {
                    if (stepEpochs != null) {
                        throw ConfigChecks.invalid("lr_schedule.step_epochs", "is only used by the 'step' schedule");
                    }
                    yield new LrSchedule(kind, gamma("lr_schedule.gamma"), null);
                }
                default -> throw ConfigChecks.invalid("lr_schedule.type", "must be one of [exponential, none, step]");
            };
        }

        private double gamma(String field) {
            double value = require(field, gamma);
            if (!(value > 0 && value <= 1)) {
                throw ConfigChecks.invalid(field, "must be in (0, 1]");
            }
            return value;
        }
    }
}
