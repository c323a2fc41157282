package dev.pausable.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SQL migrations and the contract name the same things: the CHECK constraints list exactly the
 * enums' wire names, and each notification trigger writes exactly the keys its {@link ChangeEvent} lists.
 * A value renamed on one side only fails here.
 */
class SchemaVocabularyTest {

    private static String schema;

    @BeforeAll
    static void readMigrations() throws IOException {
        try (Stream<Path> files = Files.list(Repository.root().resolve("db/migration"))) {
            StringBuilder all = new StringBuilder();
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".sql"))
                    .sorted(Comparator.comparingInt(SchemaVocabularyTest::version)).toList()) {
                all.append(Files.readString(file)).append('\n');
            }
            schema = all.toString();
        }
        assertThat(schema).as("migrations").contains("CREATE TABLE training_jobs");
    }

    private static int version(Path migration) {
        String name = migration.getFileName().toString();
        return Integer.parseInt(name.substring(1, name.indexOf("__")));
    }

    @Test
    void checkConstraintsListExactlyTheContractsValues() {
        assertThat(checked("status")).containsExactlyElementsOf(Wire.names(List.of(JobStatus.values())));
        assertThat(checked("desired_state")).containsExactlyElementsOf(Wire.names(List.of(DesiredState.values())));
        assertThat(checked("job_type")).containsExactlyElementsOf(Wire.names(List.of(JobType.values())));
        assertThat(checked("kind")).containsExactlyElementsOf(Wire.names(List.of(CheckpointKind.values())));
        assertThat(checked("task")).containsExactlyElementsOf(Wire.names(List.of(DatasetTask.values())));
        assertThat(checked("format")).containsExactlyElementsOf(Wire.names(List.of(DatasetFormat.values())));
        assertThat(checked("event_type")).containsExactlyElementsOf(Wire.names(List.of(AuditKind.values())));
        assertThat(checked("pause_at")).containsExactlyElementsOf(Wire.names(List.of(PauseAt.values())));
    }

    @Test
    void everyNotificationCarriesExactlyTheKeysOfItsEvent() {
        assertThat(schema).contains("pg_notify('" + ChangeEvent.CHANNEL + "'");
        Set<String> sent = new LinkedHashSet<>();
        Matcher event = Pattern.compile("'event', '(\\w+)'").matcher(schema);
        while (event.find()) {
            sent.add(event.group(1));
        }
        assertThat(sent).containsExactlyInAnyOrderElementsOf(Arrays.stream(ChangeEvent.values()).map(ChangeEvent::wire).toList());
        for (ChangeEvent kind : ChangeEvent.values()) {
            assertThat(keysOf(kind)).as(kind.wire()).containsExactlyElementsOf(kind.keys());
        }
    }

    /** The values of {@code CHECK (<column> IN (...))} as last (re)defined, in order. */
    private static List<String> checked(String column) {
        Matcher check = Pattern.compile("CHECK \\(" + column + " IN \\(([^)]*)\\)\\)").matcher(schema);
        String last = null;
        while (check.find()) {
            last = check.group(1);
        }
        assertThat(last).as("CHECK on " + column).isNotNull();
        List<String> values = new ArrayList<>();
        Matcher value = Pattern.compile("'(\\w+)'").matcher(last);
        while (value.find()) {
            values.add(value.group(1));
        }
        return values;
    }

    /** The keys of the {@code data} object the trigger builds for one event, as last (re)defined. */
    private static List<String> keysOf(ChangeEvent kind) {
        int start = schema.lastIndexOf("'event', '" + kind.wire() + "'");
        int data = schema.indexOf("'data', json_build_object(", start) + "'data', json_build_object(".length();
        int end = schema.indexOf(")::text", data);
        List<String> keys = new ArrayList<>();
        Matcher key = Pattern.compile("'(\\w+)',").matcher(schema.substring(data, end));
        while (key.find()) {
            keys.add(key.group(1));
        }
        return keys;
    }
}
