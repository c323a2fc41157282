package dev.pausable.controlplane.job;

import static dev.pausable.controlplane.support.Networks.branches;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pausable.controlplane.support.ApiITBase;
import dev.pausable.controlplane.support.Http;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.JsonNode;

/**
 * Jobs that bring their own DL4J network: checked with DL4J's parser in the control plane, which has no
 * ND4J backend (had the check touched one, these requests would fail with ND4J's "no backend" error).
 */
class NetworkConfigurationsIT extends ApiITBase {

    private static final String JOBS = "/v1/training/jobs";
    /** Under the control plane's default dataset root (data/datasets), a data root in these tests. */
    private static final Path CONFIGURATIONS = Path.of("data/datasets/it-networks").toAbsolutePath();

    @AfterEach
    void removeConfigurationFiles() throws IOException {
        FileSystemUtils.deleteRecursively(CONFIGURATIONS.getParent().getParent());
    }

    private Http.Response create(UUID dataset, String model, String extra) {
        return http.post(JOBS, """
                {"job_name": "own-network", "config": {"dataset_id": "%s", "epochs": 2, "batch_size": 8,
                 "model": %s%s}}""".formatted(dataset, model, extra));
    }

    private static void assertRefused(Http.Response response, String field, String problem) {
        JobsApiIT.assertProblem(response, 400);
        assertThat(response.body().path("field").asString()).as(response.raw()).isEqualTo(field);
        assertThat(response.detail()).isEqualTo("Field '" + field + "' " + problem);
    }

    @Test
    void aGraphThatFitsTheDatasetIsStoredAsDl4jWritesIt() {
        UUID dataset = registerDataset();
        Http.Response created = create(dataset, "{\"type\": \"dl4j\", \"configuration\": " + branches(3) + "}", "");

        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        JsonNode config = created.body().get("config");
        assertThat(config.get("model").get("type").asString()).isEqualTo("dl4j");
        JsonNode vertices = config.get("model").get("configuration").get("vertices");
        assertThat(vertices.propertyNames()).containsExactlyInAnyOrder("wide", "deep", "merged", "out");
        assertThat(vertices.get("out").get("layerConf").get("layer").get("iupdater").get("learningRate").asDouble())
                .isEqualTo(0.01);
        assertThat(config.has("learning_rate") || config.has("optimizer") || config.has("lr_schedule"))
                .as("the network's own updater trains it").isFalse();
        assertThat(config.has("hidden_layers")).isFalse();
    }

    @Test
    void theBuiltInNetworkIsTheDefaultAndTheOldHiddenLayersFieldStillNamesItsLayers() {
        UUID dataset = registerDataset();
        Http.Response old = http.post(JOBS, """
                {"job_name": "mlp", "config": {"dataset_id": "%s", "epochs": 2, "batch_size": 8, "learning_rate": 0.01,
                 "hidden_layers": [16, 8]}}""".formatted(dataset));
        assertThat(old.status()).as(old.raw()).isEqualTo(201);
        assertThat(old.body().get("config").get("model").toString())
                .isEqualTo("{\"type\":\"mlp\",\"hidden_layers\":[16,8]}");

        Http.Response both = create(dataset, "{\"type\": \"mlp\"}", ", \"learning_rate\": 0.01, \"hidden_layers\": [8]");
        assertRefused(both, "config.hidden_layers", "is given as model.hidden_layers when model is set");
    }

    @Test
    void aNetworkThatDoesNotFitTheDatasetOrThatIsNoDl4jConfigurationIsRefusedNamingWhy() {
        UUID dataset = registerDataset();
        assertRefused(create(dataset, "{\"type\": \"dl4j\", \"configuration\": " + branches(4) + "}", ""),
                "config.model.configuration", "vertex 'wide' (DenseLayer) has nIn 4, but receives 3 from the "
                        + "dataset's 3 feature columns (InputTypeFeedForward(3))");
        assertRefused(create(dataset, "{\"type\": \"dl4j\", \"configuration\": {\"layers\": [1, 2]}}", ""),
                "config.model.configuration", "is neither a DL4J MultiLayerConfiguration (no 'confs') nor a "
                        + "ComputationGraphConfiguration (no 'vertices')");
        assertRefused(create(dataset, "{\"type\": \"dl4j\", \"configuration\": " + branches(3) + "}",
                ", \"learning_rate\": 0.1"), "config.learning_rate",
                "is set by the network's own configuration (model type 'dl4j'); remove it");
        assertRefused(create(dataset, "{\"type\": \"dl4j\"}", ""), "config.model.configuration",
                "is required (or configuration_uri)");
        assertRefused(create(dataset, "{\"type\": \"keras\"}", ""), "config.model.type", "must be one of [dl4j, mlp]");
        assertThat(countJobs()).as("nothing stored").isZero();
    }

    @Test
    void aConfigurationUriIsReadOnceFromUnderTheDataRoots() throws IOException {
        UUID dataset = registerDataset();
        Files.createDirectories(CONFIGURATIONS);
        Path file = CONFIGURATIONS.resolve("branches.json");
        Files.writeString(file, branches(3));
        String uri = file.toUri().toString();

        Http.Response created = create(dataset, "{\"type\": \"dl4j\", \"configuration_uri\": \"" + uri + "\"}", "");
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        Files.writeString(file, "changed afterwards");
        JsonNode model = http.get(JOBS + "/" + created.body().get("id").asString()).body().get("config").get("model");
        assertThat(model.get("configuration_uri").asString()).isEqualTo(uri);
        assertThat(model.get("configuration").get("vertices").propertyNames()).contains("merged");

        assertRefused(create(dataset, "{\"type\": \"dl4j\", \"configuration_uri\": \"" + uri + "\"}", ""),
                "config.model.configuration_uri", "does not hold a JSON object: Unrecognized token 'changed': was "
                        + "expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')");
        assertRefused(create(dataset, "{\"type\": \"dl4j\", \"configuration_uri\": \"" + uri + ".missing\"}", ""),
                "config.model.configuration_uri", "names no file or object ('" + uri + ".missing')");
        Http.Response outside = create(dataset, "{\"type\": \"dl4j\", \"configuration_uri\": \"file:///etc/passwd\"}",
                "");
        JobsApiIT.assertProblem(outside, 400);
        assertThat(outside.detail()).startsWith("Field 'config.model.configuration_uri' must lie under one of the "
                + "data roots");
        assertRefused(create(dataset, "{\"type\": \"dl4j\", \"configuration\": {\"confs\": []}, "
                + "\"configuration_uri\": \"" + uri + "\"}", ""), "config.model",
                "takes configuration or configuration_uri, not both");
    }
}
