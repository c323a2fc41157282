package dev.pausable.controlplane.db;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DatabaseAnnouncerTest {

    @Test
    void namesTheUserAndNeverThePassword() {
        assertThat(DatabaseAnnouncer.describe("jdbc:postgresql://127.0.0.1:5432/pausable", "postgres"))
                .isEqualTo("jdbc:postgresql://127.0.0.1:5432/pausable?user=postgres");
        assertThat(DatabaseAnnouncer.describe("jdbc:postgresql://db:5432/p?sslmode=require", "ops"))
                .isEqualTo("jdbc:postgresql://db:5432/p?sslmode=require&user=ops");
        assertThat(DatabaseAnnouncer.describe("jdbc:postgresql://db/p?password=s3cret&user=ops", null))
                .isEqualTo("jdbc:postgresql://db/p?user=ops");
        assertThat(DatabaseAnnouncer.describe("jdbc:postgresql://db/p?user=ops&password=s3cret", "x"))
                .isEqualTo("jdbc:postgresql://db/p?user=ops");
    }
}
