package dev.pausable.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Issue 13 from outside: a job that brings its own DL4J network (a ComputationGraph of two merged branches)
 * through the REST API of the real control plane, which checks it with no ND4J backend and stores DL4J's
 * JSON of it in PostgreSQL, to a real spark-submit driver that builds it from that row. Paused at an epoch
 * and resumed, it ends with the same per-epoch validation losses and final parameters as its uninterrupted
 * twin; a configuration that does not fit the dataset is refused with the field and the layer.
 */
class OwnNetworkIT {

    private static final Duration RUN = Duration.ofMinutes(4);
    /**
     * Enough epochs that the job is still training when the test acts on it: through the round exchange an
     * epoch of this data takes about half a second here.
     */
    private static final int EPOCHS = 6;

    /** The synthetic dataset's 8 receivers in a wide and a deep branch, merged, into (x, y). */
    private static String branches(int inputs) {
        return new NeuralNetConfiguration.Builder().seed(3).updater(new Adam(0.005)).graphBuilder()
                .addInputs("rss")
                .addLayer("wide", new DenseLayer.Builder().nIn(inputs).nOut(16).activation(Activation.RELU).build(),
                        "rss")
                .addLayer("deep", new DenseLayer.Builder().nIn(inputs).nOut(8).activation(Activation.TANH).build(),
                        "rss")
                .addVertex("merged", new MergeVertex(), "wide", "deep")
                .addLayer("xy", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(24).nOut(2)
                        .activation(Activation.IDENTITY).build(), "merged")
                .setOutputs("xy")
                .build()
                .toJson();
    }

    private static String job(String name, String dataset, String configuration) {
        return """
                {"job_name": "%s", "config": {"dataset_id": "%s", "epochs": %d, "batch_size": 32, "seed": 9,
                 "workers": 2, "model": {"type": "dl4j", "configuration": %s}}}"""
                .formatted(name, dataset, EPOCHS, configuration);
    }

    @Test
    void aGraphOfItsOwnTrainsPausesAndResumesBitIdenticalToItsTwin() throws Exception {
        try (ControlPlaneProcess controlPlane = ControlPlaneProcess.create("own-network").start()) {
            Api api = controlPlane.api;
            String dataset = api.syntheticDataset(4000, 19);

            JsonNode refused = api.post("/v1/training/jobs", job("Too wide", dataset, branches(9)), 400);
            assertThat(refused.get("field").asText()).isEqualTo("config.model.configuration");
            assertThat(refused.get("detail").asText()).isEqualTo("Field 'config.model.configuration' vertex 'wide' "
                    + "(DenseLayer) has nIn 9, but receives 8 from the dataset's 8 feature columns "
                    + "(InputTypeFeedForward(8))");

            String twin = api.post("/v1/training/jobs", job("Twin", dataset, branches(8)), 201).get("id").asText();
            String job = api.post("/v1/training/jobs", job("Paused", dataset, branches(8)), 201).get("id").asText();
            assertThat(api.job(job).get("config").get("model").get("configuration").get("vertices").has("merged"))
                    .isTrue();

            api.awaitRunningAtEpoch(job, 1, RUN);
            api.pause(job);
            JsonNode paused = api.awaitStatus(job, "paused", RUN);
            assertThat(paused.get("current_epoch").asInt()).isBetween(1, EPOCHS - 1);
            api.resume(job);

            api.awaitStatus(job, "completed", RUN);
            api.awaitStatus(twin, "completed", RUN);
            Twins.local(api).assertIdentical(job, twin);
            assertThat(api.metrics(job)).hasSize(EPOCHS)
                    .allSatisfy(m -> assertThat(m.get("learning_rate").asDouble()).isEqualTo(0.005));
        }
    }
}
