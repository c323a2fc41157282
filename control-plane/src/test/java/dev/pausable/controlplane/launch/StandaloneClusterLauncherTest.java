package dev.pausable.controlplane.launch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pausable.contract.CommittedCheckpoint;
import dev.pausable.contract.JobType;
import dev.pausable.contract.SubmissionTag;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StandaloneClusterLauncherTest {

    private static final UUID JOB = UUID.fromString("6f1c2a52-3b1e-4a53-9a43-0d6b8c1f2e77");
    private static final SubmitCommand.DatabaseTarget DB =
            new SubmitCommand.DatabaseTarget("jdbc:postgresql://db/p", "ops", "s3cret");

    private static SparkProperties spark(Path home, String master, URI rest) {
        return new SparkProperties(home, home.resolve("trainer.jar"), master, "cluster", "s3a://b/checkpoints",
                "s3a://b/datasets", home.resolve("logs"), Map.of("spark.executor.memory", "4g"), List.of(), List.of(), List.of(), rest);
    }

    @Test
    void theRestGatewayDefaultsToTheFirstMastersHostOnPort6066() {
        Path home = Path.of("/opt/spark");
        assertThat(spark(home, "spark://m1:7077,m2:7077", null).standaloneRestUrl())
                .isEqualTo(URI.create("http://m1:6066"));
        assertThat(spark(home, "spark://10.0.0.5:7077", URI.create("http://rest:16066")).standaloneRestUrl())
                .isEqualTo(URI.create("http://rest:16066"));
        assertThat(spark(home, "spark://m:7077", null).standaloneCluster()).isTrue();
        assertThat(new SparkProperties(home, null, "yarn", "cluster", "c", "d", home, null, null, null, null, null)
                .standaloneCluster()).isFalse();
    }

    @Test
    void theCreateRequestIsWhatSparkSubmitWouldSend(@TempDir Path home) throws Exception {
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/spark-defaults.conf"), """
                # operator defaults
                spark.hadoop.fs.s3a.path.style.access   true
                spark.executor.memory 2g
                not.a.spark.key x
                """);
        SparkProperties spark = spark(home, "spark://m:7077", null);
        LaunchRequest request = new LaunchRequest(JOB, 2, SubmissionTag.of(JOB, 2), JobType.TRAINING,
                new CommittedCheckpoint("s3a://b/checkpoints/x.zip", "a".repeat(64), 10, 3),
                Map.of("spark.task.cpus", "2"));

        Map<String, Object> body = new StandaloneClusterLauncher(spark, DB)
                .createRequest(SubmitCommand.of(request, spark, DB));

        String jar = home.resolve("trainer.jar").toUri().toString();
        assertThat(body).containsEntry("action", "CreateSubmissionRequest")
                .containsEntry("appResource", jar)
                .containsEntry("mainClass", SubmitCommand.MAIN_CLASS)
                .containsEntry("appArgs", List.of("--job-id", JOB.toString(), "--attempt", "2", "--checkpoint",
                        "s3a://b/checkpoints/x.zip"))
                .containsEntry("environmentVariables", Map.of("PAUSABLE_DB_URL", "jdbc:postgresql://db/p",
                        "PAUSABLE_DB_USER", "ops", "PAUSABLE_DB_PASSWORD", "s3cret"));
        @SuppressWarnings("unchecked")
        Map<String, String> properties = (Map<String, String>) body.get("sparkProperties");
        assertThat(properties).containsEntry("spark.app.name", "pausable-" + JOB + "-a2")
                .containsEntry("spark.master", "spark://m:7077")
                .containsEntry("spark.submit.deployMode", "cluster")
                .containsEntry("spark.jars", jar)
                .containsEntry("spark.hadoop.fs.s3a.path.style.access", "true")
                .as("operator conf over spark-defaults.conf").containsEntry("spark.executor.memory", "4g")
                .containsEntry("spark.task.cpus", "2")
                .containsEntry("spark.pausable.checkpointRoot", "s3a://b/checkpoints")
                .doesNotContainKey("not.a.spark.key");
        assertThat(body.get("clientSparkVersion").toString()).startsWith("3.5");
    }
}
