package dev.pausable.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The documented submit scripts (YARN, Kubernetes) cannot run here, but what they name can be
 * checked: they parse, every {@code --class} is in the trainer jar, the application name is the
 * submission tag, and a missing job id is a usage error.
 */
class SubmitScriptsIT {

    private static final Pattern CLASS = Pattern.compile("--class\\s+(\\S+)");

    static Stream<Path> scripts() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("..", "submit"))) {
            List<Path> submitScripts = files.filter(p -> p.getFileName().toString().startsWith("spark-submit-"))
                    .sorted().toList();
            assertThat(submitScripts).extracting(p -> p.getFileName().toString())
                    .contains("spark-submit-yarn.sh", "spark-submit-k8s.sh");
            return submitScripts.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("scripts")
    void namesOnlyClassesTheTrainerJarHasAndTheSubmissionTag(Path script) throws Exception {
        String text = Files.readString(script);
        Matcher matcher = CLASS.matcher(text);
        List<String> classes = new ArrayList<>();
        while (matcher.find()) {
            classes.add(matcher.group(1));
        }
        assertThat(classes).isNotEmpty();
        try (JarFile jar = new JarFile(ControlPlaneProcess.path("trainerJar").toFile())) {
            for (String name : classes) {
                assertThat(jar.getEntry(name.replace('.', '/') + ".class")).as(name + " in the trainer jar").isNotNull();
            }
        }
        assertThat(text).contains("--name \"pausable-$job_id-a$attempt\"");
        assertThat(text).doesNotContain("PAUSABLE_DB_PASSWORD=\"$");
        assertThat(text).as("documents the SIGTERM grace a preempted driver needs").contains("SIGTERM", "SIGKILL");
    }

    @ParameterizedTest
    @MethodSource("scripts")
    void parsesAndRefusesToRunWithoutAJobId(Path script) throws Exception {
        assertThat(run(List.of("bash", "-n", script.toString())).exitValue()).isZero();
        ProcessBuilder withoutJob = new ProcessBuilder("bash", script.toString(), "--attempt", "1");
        withoutJob.environment().putAll(java.util.Map.of("SPARK_HOME", ControlPlaneProcess.sparkHome().toString(),
                "K8S_API", "https://k8s.invalid:6443", "PAUSABLE_DB_URL", "jdbc:postgresql://db.invalid/p"));
        Process process = run(withoutJob);
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(new String(process.getInputStream().readAllBytes())).contains("--job-id <uuid> --attempt <n>");
    }

    private static Process run(List<String> command) throws Exception {
        return run(new ProcessBuilder(command));
    }

    private static Process run(ProcessBuilder builder) throws Exception {
        Process process = builder.redirectErrorStream(true).start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return process;
    }
}
