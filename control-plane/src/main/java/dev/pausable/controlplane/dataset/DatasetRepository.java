package dev.pausable.controlplane.dataset;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

@Repository
public class DatasetRepository {

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    private final JdbcClient jdbc;
    private final JsonMapper json;

    DatasetRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    public boolean exists(UUID id) {
        return jdbc.sql("SELECT count(*) FROM datasets WHERE id = :id").param("id", id).query(Long.class).single() > 0;
    }

    public Optional<Dataset> find(UUID id) {
        return jdbc.sql("SELECT * FROM datasets WHERE id = :id").param("id", id).query(this::map).optional();
    }

    public List<Dataset> list(int limit, int offset) {
        return jdbc.sql("SELECT * FROM datasets ORDER BY created_at DESC, id LIMIT :limit OFFSET :offset")
                .param("limit", limit)
                .param("offset", offset)
                .query(this::map)
                .list();
    }

    public long count() {
        return jdbc.sql("SELECT count(*) FROM datasets").query(Long.class).single();
    }

    public Dataset insert(UUID id, String name, String uri, Long numSamples, List<String> features,
                          List<String> labels, String task) {
        return jdbc.sql("""
                        INSERT INTO datasets (id, name, uri, num_samples, feature_columns, label_columns, task)
                        VALUES (:id, :name, :uri, :samples, CAST(:features AS jsonb), CAST(:labels AS jsonb), :task)
                        RETURNING *""")
                .param("id", id)
                .param("name", name)
                .param("uri", uri)
                .param("samples", numSamples)
                .param("features", json.writeValueAsString(features))
                .param("labels", json.writeValueAsString(labels))
                .param("task", task)
                .query(this::map)
                .single();
    }

    private Dataset map(ResultSet rs, int rowNum) throws SQLException {
        long samples = rs.getLong("num_samples");
        Long numSamples = rs.wasNull() ? null : samples;
        return new Dataset(
                rs.getObject("id", UUID.class),
                rs.getString("name"),
                rs.getString("uri"),
                numSamples,
                json.readValue(rs.getString("feature_columns"), STRINGS),
                json.readValue(rs.getString("label_columns"), STRINGS),
                rs.getString("task"),
                rs.getObject("created_by_job_id", UUID.class),
                rs.getObject("created_at", OffsetDateTime.class));
    }
}
