package dev.pausable.sparkdist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The SPARK_HOME built from Maven Central runs spark-submit, and the trainer's main class is found. */
class SparkSubmitIT {

    private static final Path SPARK_HOME = Path.of(System.getProperty("sparkHome", "target/spark-home"));
    private static final Path TRAINER_JAR = Path.of(System.getProperty("trainerJar",
            "../spark-trainer/target/spark-trainer.jar"));

    private record Result(int exit, String output) {
    }

    private static Result sparkSubmit(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(SPARK_HOME.resolve("bin/spark-submit").toString()));
        command.addAll(List.of(args));
        Path log = Files.createTempFile("spark-submit", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("spark-submit did not finish: " + Files.readString(log));
        }
        return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    @Test
    void reportsItsVersion() throws Exception {
        Result result = sparkSubmit("--version");
        assertThat(result.exit()).as(result.output()).isZero();
        assertThat(result.output()).contains("version 3.5.9");
        assertThat(SPARK_HOME.resolve("jars").toFile().list()).anyMatch(n -> n.startsWith("hadoop-aws-3.3.4"))
                .anyMatch(n -> n.startsWith("aws-java-sdk-bundle-"));
    }

    @Test
    void submitsTheTrainerClassFromItsJar() throws Exception {
        assertThat(TRAINER_JAR).exists();
        // No job arguments: the trainer answers with its usage and exit code 2, before any Spark work.
        Result result = sparkSubmit("--master", "local[1]", "--class", "dev.pausable.trainer.TrainerMain",
                TRAINER_JAR.toString());
        assertThat(result.exit()).as(result.output()).isEqualTo(2);
        assertThat(result.output()).contains("usage: --job-id <uuid> --attempt <n>");
    }
}
