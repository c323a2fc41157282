package dev.pausable.controlplane.db;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TrainerAccountConfigurationTest {

    @Test
    void trainersGetTheControlPlanesAddressButNeverItsCredentials() {
        assertThat(TrainerAccountConfiguration.withoutCredentials("jdbc:postgresql://127.0.0.1:5432/pausable"))
                .isEqualTo("jdbc:postgresql://127.0.0.1:5432/pausable");
        assertThat(TrainerAccountConfiguration.withoutCredentials("jdbc:postgresql://db/p?user=cp&password=s3&ssl=true"))
                .isEqualTo("jdbc:postgresql://db/p?ssl=true");
        assertThat(TrainerAccountConfiguration.withoutCredentials("jdbc:postgresql://db/p?sslmode=require&password=s3"))
                .isEqualTo("jdbc:postgresql://db/p?sslmode=require");
        assertThat(new TrainerAccount("jdbc:postgresql://db/p", "t", "secret").toString()).doesNotContain("secret");
        assertThat(new TrainerDatabaseProperties("t", "secret").toString()).doesNotContain("secret");
    }
}
