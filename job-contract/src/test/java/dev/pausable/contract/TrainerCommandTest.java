package dev.pausable.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The trainer's command line (was TrainerArgsTest in the trainer), the tag, and the settings' lookup. */
class TrainerCommandTest {

    private final UUID id = UUID.randomUUID();

    @Test
    void parsesJobAttemptAndCheckpoint() {
        assertThat(TrainerCommand.parse(new String[] {"--job-id", id.toString(), "--attempt", "3", "--checkpoint",
                "s3a://b/k.zip"})).isEqualTo(new TrainerCommand(id, 3, "s3a://b/k.zip"));
        assertThat(TrainerCommand.parse(new String[] {"--attempt", "1", "--job-id", id.toString()}).checkpoint())
                .isNull();
    }

    @Test
    void rejectsIncompleteOrUnknownArguments() {
        assertThatThrownBy(() -> TrainerCommand.parse(new String[] {"--job-id", id.toString()}))
                .hasMessageContaining("usage");
        assertThatThrownBy(() -> TrainerCommand.parse(new String[] {"--job-id", id.toString(), "--attempt", "0"}))
                .hasMessageContaining("usage");
        assertThatThrownBy(() -> TrainerCommand.parse(new String[] {"--job-id", id.toString(), "--attempt"}))
                .hasMessageContaining("Missing value for --attempt");
        assertThatThrownBy(() -> TrainerCommand.parse(new String[] {"--master", "local"}))
                .hasMessageContaining("Unknown argument --master");
    }

    @Test
    void whatTheControlPlaneWritesTheTrainerReadsBack() {
        for (TrainerCommand command : new TrainerCommand[] {new TrainerCommand(id, 1, null),
                new TrainerCommand(id, 7, "file:///tmp/c/epoch-0003-attempt-6.zip")}) {
            assertThat(TrainerCommand.parse(command.toArgs().toArray(String[]::new))).isEqualTo(command);
        }
        assertThat(new TrainerCommand(id, 2, null).toArgs())
                .containsExactly("--job-id", id.toString(), "--attempt", "2");
    }

    @Test
    void theTagNamesJobAndAttemptAndParsesBack() {
        SubmissionTag tag = new TrainerCommand(id, 12, null).tag();
        assertThat(tag.toString()).isEqualTo("pausable-" + id + "-a12").isEqualTo(SubmissionTag.of(id, 12));
        assertThat(SubmissionTag.parse(tag.toString())).contains(tag);
        assertThat(SubmissionTag.parse("pausable-" + id + "-a0")).isEmpty();
        assertThat(SubmissionTag.parse("spark-pi")).isEmpty();
        assertThat(SubmissionTag.parse(null)).isEmpty();
    }

    @Test
    void environmentWinsOverSparkConf() {
        TrainerSettings.Setting url = TrainerSettings.DB_URL;
        assertThat(url.lookup(Map.of("PAUSABLE_DB_URL", "jdbc:a"), Map.of("spark.pausable.db.url", "jdbc:b")))
                .isEqualTo("jdbc:a");
        assertThat(url.lookup(Map.of(), Map.of("spark.pausable.db.url", "jdbc:b"))).isEqualTo("jdbc:b");
        assertThat(url.lookup(Map.of("PAUSABLE_DB_URL", " "), Map.of())).isNull();
        for (TrainerSettings.Setting setting : TrainerSettings.DATABASE) {
            assertThat(setting.environment()).startsWith(TrainerSettings.ENVIRONMENT_PREFIX);
        }
    }
}
