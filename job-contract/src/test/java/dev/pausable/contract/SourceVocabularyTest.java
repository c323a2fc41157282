package dev.pausable.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The vocabulary lives in this module only: the processes' Java has no status, intent or job-type
 * literal of its own, and what the scripts, configuration templates and pages name (statuses, events,
 * settings, the submission tag) is what the contract names. Renaming a value in the contract fails here
 * for every other place that still spells the old one.
 */
class SourceVocabularyTest {

    private static final Path ROOT = Repository.root();

    @Test
    void theProcessesJavaSpellsNoLifecycleValue() {
        Set<String> vocabulary = new HashSet<>();
        vocabulary.addAll(Wire.names(List.of(JobStatus.values())));
        vocabulary.addAll(Wire.names(List.of(DesiredState.values())));
        vocabulary.addAll(Wire.names(List.of(JobType.values())));
        Pattern literal = Pattern.compile("[\"'](" + String.join("|", vocabulary) + ")[\"']");
        List<String> found = new ArrayList<>();
        for (String module : List.of("control-plane", "spark-trainer")) {
            for (Path file : files(ROOT.resolve(module).resolve("src/main/java"), ".java")) {
                List<String> lines = lines(file);
                for (int i = 0; i < lines.size(); i++) {
                    if (literal.matcher(lines.get(i)).find()) {
                        found.add(ROOT.relativize(file) + ":" + (i + 1) + ": " + lines.get(i).strip());
                    }
                }
            }
        }
        assertThat(found).as("lifecycle literals outside the contract").isEmpty();
    }

    @Test
    void scriptsAndTemplatesNameOnlyTheContractsSettings() {
        Set<String> settings = new HashSet<>(constants(TrainerSettings.class));
        TrainerSettings.DATABASE.forEach(setting -> {
            settings.add(setting.environment());
            settings.add(setting.sparkConf());
        });
        List<Path> sources = new ArrayList<>(files(ROOT.resolve("submit"), ".sh"));
        sources.addAll(files(ROOT.resolve("conf"), ""));
        int named = 0;
        for (Path file : sources) {
            Matcher name = Pattern.compile("spark\\.pausable\\.[A-Za-z.]*[A-Za-z]|PAUSABLE_DB_[A-Z]+")
                    .matcher(String.join("\n", lines(file)));
            while (name.find()) {
                assertThat(settings).as(ROOT.relativize(file) + " names " + name.group()).contains(name.group());
                named++;
            }
        }
        assertThat(named).as("settings named by the scripts and templates").isGreaterThan(5);
    }

    @Test
    void clusterScriptsTagTheirDriverAsTheControlPlaneDoes() {
        UUID job = UUID.randomUUID();
        for (Path script : List.of(ROOT.resolve("submit/spark-submit-yarn.sh"), ROOT.resolve("submit/spark-submit-k8s.sh"))) {
            String text = Files.exists(script) ? String.join("\n", lines(script)) : "";
            Matcher name = Pattern.compile("--name \"([^\"]+)\"").matcher(text);
            assertThat(name.find()).as(script + " names its application").isTrue();
            String tag = name.group(1).replace("$job_id", job.toString()).replace("$attempt", "4");
            assertThat(tag).as(script.toString()).isEqualTo(SubmissionTag.of(job, 4));
            for (String flag : List.of(TrainerCommand.JOB_ID, TrainerCommand.ATTEMPT, TrainerCommand.CHECKPOINT)) {
                assertThat(text).as(script + " passes " + flag).contains(flag + " ");
            }
        }
    }

    @Test
    void quickstartAndPagesSpellStatusesEventsAndTypesAsTheContractDoes() {
        Set<String> statuses = Set.copyOf(Wire.names(List.of(JobStatus.values())));
        Set<String> types = Set.copyOf(Wire.names(List.of(JobType.values())));
        Set<String> events = new HashSet<>();
        for (ChangeEvent event : ChangeEvent.values()) {
            events.add(event.wire());
        }
        String quickstart = String.join("\n", lines(ROOT.resolve("submit/quickstart.sh")));
        assertThat(valuesOf("wait_status \"\\$\\w+\" (\\w+)", quickstart)).isNotEmpty().isSubsetOf(statuses);
        assertThat(valuesOf("\"\\$status\" == (\\w+)", quickstart)).isNotEmpty().isSubsetOf(statuses);
        String pages = String.join("\n", files(ROOT.resolve("control-plane/src/main/resources/static/js"), ".js")
                .stream().flatMap(file -> lines(file).stream()).toList());
        assertThat(valuesOf("status === \"(\\w+)\"", pages)).isSubsetOf(statuses);
        assertThat(valuesOf("job_type === \"(\\w+)\"", pages)).isNotEmpty().isSubsetOf(types);
        assertThat(valuesOf("event === \"(\\w+)\"", pages)).isNotEmpty().isSubsetOf(events);
    }

    private static Set<String> valuesOf(String regex, String text) {
        Set<String> values = new HashSet<>();
        Matcher matcher = Pattern.compile(regex).matcher(text);
        while (matcher.find()) {
            values.add(matcher.group(1));
        }
        return values;
    }

    private static List<String> constants(Class<?> type) {
        List<String> values = new ArrayList<>();
        for (Field field : type.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                try {
                    values.add((String) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return values;
    }

    private static List<Path> files(Path directory, String suffix) {
        try (Stream<Path> walk = Files.walk(directory)) {
            return walk.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
