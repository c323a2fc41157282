package dev.pausable.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What "nothing lost" means from outside, for a job that went through faults and its uninterrupted twin
 * (same dataset, config and seed): the same per-epoch validation losses (the latest attempt's value for
 * each epoch), the same final parameters (read with plain DL4J), and no more live checkpoints than the
 * retention allows, each object as committed. {@code objects} maps a checkpoint URI to the file that
 * holds it (the local file, or s3proxy's backend file).
 */
record Twins(Api api, Function<String, Path> objects) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Checkpoints on the local file system. */
    static Twins local(Api api) {
        return new Twins(api, uri -> Path.of(URI.create(uri)));
    }

    void assertIdentical(String job, String twin) throws IOException {
        assertThat(valLosses(job)).as("per-epoch validation losses of " + job).isEqualTo(valLosses(twin));
        assertThat(finalParameters(job)).as("final parameters of " + job).isEqualTo(finalParameters(twin));
    }

    /** The final model's parameters, read with plain DL4J as a layer stack or, for a graph, a ComputationGraph. */
    INDArray finalParameters(String job) throws IOException {
        File model = finalModelFile(job);
        try (ZipFile zip = new ZipFile(model)) {
            String configuration = new String(zip.getInputStream(zip.getEntry(ModelSerializer.CONFIGURATION_JSON))
                    .readAllBytes(), StandardCharsets.UTF_8);
            return JSON.readTree(configuration).has("vertices")
                    ? ModelSerializer.restoreComputationGraph(model, false).params()
                    : ModelSerializer.restoreMultiLayerNetwork(model, false).params();
        }
    }

    List<String> valLosses(String job) throws IOException {
        return api.metrics(job).stream().map(m -> m.get("epoch").asInt() + ":" + m.get("val_loss").asText()).toList();
    }

    private File finalModelFile(String job) throws IOException {
        JsonNode model = api.checkpoints(job).stream().filter(c -> c.get("kind").asText().equals("final")
                && c.get("deleted_at").isNull()).findFirst().orElseThrow();
        return objects.apply(model.get("uri").asText()).toFile();
    }

    /** Live checkpoints: at most 2 periodic, 1 best, 1 final, no pause (superseded); each object as committed. */
    void assertWithinRetention(String job) throws IOException {
        List<JsonNode> live = api.checkpoints(job).stream().filter(c -> c.get("deleted_at").isNull()).toList();
        Map<String, Long> kinds = live.stream().collect(Collectors.groupingBy(c -> c.get("kind").asText(),
                TreeMap::new, Collectors.counting()));
        assertThat(kinds.getOrDefault("periodic", 0L)).as(job + " " + kinds).isLessThanOrEqualTo(2);
        assertThat(kinds.getOrDefault("best", 0L)).as(job + " " + kinds).isLessThanOrEqualTo(1);
        assertThat(kinds.getOrDefault("final", 0L)).as(job + " " + kinds).isEqualTo(1);
        assertThat(kinds.getOrDefault("pause", 0L)).as(job + " " + kinds).isZero();
        for (JsonNode checkpoint : live) {
            Path object = objects.apply(checkpoint.get("uri").asText());
            assertThat(Files.size(object)).as(object.toString()).isEqualTo(checkpoint.get("size_bytes").asLong());
        }
    }

    /**
     * Files in the job's checkpoint directory that no live row names (Hadoop's CRC sidecars aside); the
     * sweeper removes them once its grace has passed.
     */
    List<Path> unreferencedObjects(String job) {
        try {
            List<JsonNode> checkpoints = api.checkpoints(job);
            Set<Path> live = checkpoints.stream().filter(c -> c.get("deleted_at").isNull())
                    .map(c -> objects.apply(c.get("uri").asText())).collect(Collectors.toSet());
            Path directory = objects.apply(checkpoints.get(0).get("uri").asText()).getParent();
            try (Stream<Path> files = Files.list(directory)) {
                return files.filter(f -> !f.getFileName().toString().endsWith(".crc")).filter(f -> !live.contains(f))
                        .toList();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
