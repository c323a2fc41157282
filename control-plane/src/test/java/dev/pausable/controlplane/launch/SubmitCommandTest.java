package dev.pausable.controlplane.launch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pausable.contract.CommittedCheckpoint;
import dev.pausable.contract.JobType;
import dev.pausable.contract.SubmissionTag;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SubmitCommandTest {

    private static final UUID JOB = UUID.fromString("00000000-0000-0000-0000-000000000007");
    private static final SparkProperties SPARK = new SparkProperties(Path.of("/opt/spark"), Path.of("/opt/trainer.jar"),
            "spark://m:7077", "cluster", "s3a://b/checkpoints", "/data/datasets", Path.of("logs"),
            Map.of("spark.executor.memory", "4g"), List.of("spark.executor.cores"), List.of(), List.of(), null);
    private static final SubmitCommand.DatabaseTarget DB =
            new SubmitCommand.DatabaseTarget("jdbc:postgresql://db/p", "ops", "s3cret");

    @Test
    void aFirstRunCarriesJobAndAttemptOnly() {
        SubmitCommand command = SubmitCommand.of(new LaunchRequest(JOB, 1, SubmissionTag.of(JOB, 1), JobType.TRAINING,
                null, Map.of()), SPARK, DB);
        assertThat(command.appName()).isEqualTo("pausable-" + JOB + "-a1");
        assertThat(command.mainClass()).isEqualTo("dev.pausable.trainer.TrainerMain");
        assertThat(command.appResource()).isEqualTo("/opt/trainer.jar");
        assertThat(command.master()).isEqualTo("spark://m:7077");
        assertThat(command.deployMode()).isEqualTo("cluster");
        assertThat(command.appArgs()).containsExactly("--job-id", JOB.toString(), "--attempt", "1");
    }

    @Test
    void aResumeNamesTheCommittedCheckpoint() {
        LaunchRequest resume = new LaunchRequest(JOB, 3, SubmissionTag.of(JOB, 3), JobType.TRAINING,
                new CommittedCheckpoint("s3a://b/c/epoch-0004-attempt-2.zip", "a".repeat(64), 10, 4),
                Map.of());
        assertThat(SubmitCommand.appArgs(resume)).containsExactly("--job-id", JOB.toString(), "--attempt", "3",
                "--checkpoint", "s3a://b/c/epoch-0004-attempt-2.zip");
    }

    @Test
    void operatorDefaultsThenJobOverridesMinusTheDenylist() {
        Map<String, String> conf = SubmitCommand.conf(SPARK, Map.of(
                "spark.executor.memory", "8g",
                "spark.master", "local[*]",
                "spark.executor.cores", "64",
                "spark.pausable.checkpointRoot", "file:///tmp/elsewhere",
                "spark.hadoop.fs.s3a.secret.key", "x",
                "spark.sql.shuffle.partitions", "8"));
        assertThat(conf).containsEntry("spark.executor.memory", "8g")
                .containsEntry("spark.sql.shuffle.partitions", "8")
                .containsEntry("spark.pausable.checkpointRoot", "s3a://b/checkpoints")
                .containsEntry("spark.pausable.datasetRoot", "file:///data/datasets")
                .doesNotContainKeys("spark.master", "spark.executor.cores", "spark.hadoop.fs.s3a.secret.key");
    }

    @Test
    void databaseSettingsTravelInTheEnvironmentNeverInArgumentsOrLogs() {
        SubmitCommand command = SubmitCommand.of(new LaunchRequest(JOB, 1, "t", JobType.TRAINING, null, null), SPARK,
                DB);
        assertThat(command.environment()).containsEntry("PAUSABLE_DB_URL", "jdbc:postgresql://db/p")
                .containsEntry("PAUSABLE_DB_USER", "ops").containsEntry("PAUSABLE_DB_PASSWORD", "s3cret");
        assertThat(String.join(" ", command.appArgs()) + command.conf()).doesNotContain("s3cret");
        assertThat(DB.toString()).doesNotContain("s3cret");
        assertThat(command.toString()).doesNotContain("s3cret").contains("PAUSABLE_DB_PASSWORD");
    }

    @Test
    void yarnAndKubernetesClusterDriversGetTheDatabaseUrlAndUserButNeverThePassword() {
        LaunchRequest request = new LaunchRequest(JOB, 1, "t", JobType.TRAINING, null, Map.of());
        SparkProperties yarn = new SparkProperties(Path.of("/opt/spark"), Path.of("/opt/trainer.jar"), "yarn",
                "cluster", "s3a://b/c", "s3a://b/d", Path.of("logs"), Map.of(), List.of(), List.of(), List.of(), null);
        assertThat(SubmitCommand.of(request, yarn, DB).conf())
                .containsEntry("spark.yarn.appMasterEnv.PAUSABLE_DB_URL", "jdbc:postgresql://db/p")
                .containsEntry("spark.yarn.appMasterEnv.PAUSABLE_DB_USER", "ops")
                .doesNotContainKey("spark.yarn.appMasterEnv.PAUSABLE_DB_PASSWORD")
                .doesNotContainValue("s3cret");
        SparkProperties k8s = new SparkProperties(Path.of("/opt/spark"), Path.of("/opt/trainer.jar"),
                "k8s://https://k8s:6443", "cluster", "s3a://b/c", "s3a://b/d", Path.of("logs"), Map.of(), List.of(),
                List.of(), List.of(), null);
        assertThat(SubmitCommand.of(request, k8s, DB).conf())
                .containsEntry("spark.kubernetes.driverEnv.PAUSABLE_DB_URL", "jdbc:postgresql://db/p")
                .doesNotContainValue("s3cret");
        assertThat(SubmitCommand.of(request, SPARK, DB).conf()).as("standalone cluster: the REST request's environment")
                .noneSatisfy((key, value) -> assertThat(key).contains("PAUSABLE_DB_"));
    }

    @Test
    void jobsCannotRedirectTheDatabaseOrReachClusterSecrets() {
        for (String key : List.of("spark.yarn.appMasterEnv.PAUSABLE_DB_URL", "spark.kubernetes.driverEnv.PAUSABLE_DB_URL",
                "spark.kubernetes.driver.secretKeyRef.X", "spark.kubernetes.authenticate.driver.serviceAccountName",
                "spark.executorEnv.AWS_SECRET_ACCESS_KEY")) {
            assertThat(SubmitCommand.isDenied(key, SPARK)).as(key).isTrue();
        }
        assertThat(SubmitCommand.isDenied("spark.kubernetes.executor.request.cores", SPARK)).isFalse();
    }

    @Test
    void settingsTheControlPlaneReliesOnAreForcedWhateverTheOperatorOrAJobSays() {
        SparkProperties operator = new SparkProperties(Path.of("/opt/spark"), Path.of("/opt/trainer.jar"), "yarn",
                "cluster", "s3a://b/c", "s3a://b/d", Path.of("logs"), Map.of("spark.driver.supervise", "true",
                "spark.yarn.maxAppAttempts", "3", "spark.redaction.regex", "nothing"), List.of(),
                List.of("spark.yarn.submit.*"), List.of(), null);
        Map<String, String> conf = SubmitCommand.of(new LaunchRequest(JOB, 1, "t", JobType.TRAINING, null,
                Map.of("spark.yarn.submit.waitAppCompletion", "false", "spark.plugins", "x.Evil",
                        "spark.executor.memory", "6g")), operator, DB).conf();
        assertThat(conf).containsAllEntriesOf(SubmitCommand.FORCED)
                .containsEntry("spark.executor.memory", "6g")
                .as("a job's setting outside the allowlist never reaches spark-submit, even if stored before it")
                .doesNotContainKey("spark.plugins");
    }

    @Test
    void aLocalModeDriverListensOnLoopbackOnly() {
        SparkProperties local = new SparkProperties(Path.of("/opt/spark"), Path.of("/opt/trainer.jar"), "local[2]",
                "client", "s3a://b/c", "s3a://b/d", Path.of("logs"), Map.of("spark.driver.bindAddress", "0.0.0.0"),
                List.of(), List.of(), List.of(), null);
        LaunchRequest request = new LaunchRequest(JOB, 1, "t", JobType.TRAINING, null, Map.of());
        assertThat(SubmitCommand.of(request, local, DB).conf()).containsEntry("spark.driver.bindAddress", "127.0.0.1");
        assertThat(SubmitCommand.of(request, SPARK, DB).conf()).as("cluster drivers run elsewhere")
                .doesNotContainKey("spark.driver.bindAddress");
    }
}
