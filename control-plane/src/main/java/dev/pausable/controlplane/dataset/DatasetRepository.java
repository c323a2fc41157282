package dev.pausable.controlplane.dataset;

import dev.pausable.contract.Dataset;
import dev.pausable.contract.NewDataset;
import dev.pausable.contract.Rows;
import dev.pausable.controlplane.db.JsonColumns;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class DatasetRepository {

    private final JdbcClient jdbc;
    private final JsonColumns json;
    private final RowMapper<Dataset> map;

    DatasetRepository(JdbcClient jdbc, JsonColumns json) {
        this.jdbc = jdbc;
        this.json = json;
        this.map = (rs, n) -> Rows.dataset(rs, json);
    }

    public Optional<Dataset> find(UUID id) {
        return jdbc.sql("SELECT * FROM datasets WHERE id = :id").param("id", id).query(map).optional();
    }

    public List<Dataset> list(int limit, int offset) {
        return jdbc.sql("SELECT * FROM datasets ORDER BY created_at DESC, id LIMIT :limit OFFSET :offset")
                .param("limit", limit)
                .param("offset", offset)
                .query(map)
                .list();
    }

    public long count() {
        return jdbc.sql("SELECT count(*) FROM datasets").query(Long.class).single();
    }

    public Dataset insert(UUID id, NewDataset dataset) {
        return jdbc.sql(NewDataset.INSERT + " RETURNING *")
                .params(dataset.insertParameters(id, null, json::write))
                .query(map)
                .single();
    }
}
