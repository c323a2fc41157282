package dev.pausable.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TrainerArgsTest {

    private final UUID id = UUID.randomUUID();

    @Test
    void parsesJobAttemptAndCheckpoint() {
        assertThat(TrainerArgs.parse(new String[] {"--job-id", id.toString(), "--attempt", "3", "--checkpoint",
                "s3a://b/k.zip"})).isEqualTo(new TrainerArgs(id, 3, "s3a://b/k.zip"));
        assertThat(TrainerArgs.parse(new String[] {"--attempt", "1", "--job-id", id.toString()}).checkpoint()).isNull();
    }

    @Test
    void rejectsIncompleteOrUnknownArguments() {
        assertThatThrownBy(() -> TrainerArgs.parse(new String[] {"--job-id", id.toString()}))
                .hasMessageContaining("usage");
        assertThatThrownBy(() -> TrainerArgs.parse(new String[] {"--job-id", id.toString(), "--attempt", "0"}))
                .hasMessageContaining("usage");
        assertThatThrownBy(() -> TrainerArgs.parse(new String[] {"--job-id", id.toString(), "--attempt"}))
                .hasMessageContaining("Missing value for --attempt");
        assertThatThrownBy(() -> TrainerArgs.parse(new String[] {"--master", "local"}))
                .hasMessageContaining("Unknown argument --master");
    }

    @Test
    void environmentWinsOverSparkConf() {
        assertThat(TrainerArgs.setting(Map.of("PAUSABLE_DB_URL", "jdbc:a"), Map.of("spark.pausable.db.url", "jdbc:b"),
                "PAUSABLE_DB_URL", "spark.pausable.db.url")).isEqualTo("jdbc:a");
        assertThat(TrainerArgs.setting(Map.of(), Map.of("spark.pausable.db.url", "jdbc:b"),
                "PAUSABLE_DB_URL", "spark.pausable.db.url")).isEqualTo("jdbc:b");
        assertThat(TrainerArgs.setting(Map.of("PAUSABLE_DB_URL", " "), Map.of(),
                "PAUSABLE_DB_URL", "spark.pausable.db.url")).isNull();
    }
}
