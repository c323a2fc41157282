package dev.pausable.controlplane.job;

import dev.pausable.contract.Dataset;
import dev.pausable.contract.TrainingConfig;
import dev.pausable.controlplane.storage.CheckpointObjects;
import dev.pausable.controlplane.storage.DataRoots;
import dev.pausable.controlplane.web.InvalidFieldException;
import dev.pausable.controlplane.web.UnavailableException;
import dev.pausable.networks.DataShape;
import dev.pausable.networks.NetworkConfiguration;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * A new job's DL4J network, checked with DL4J's own parser against the dataset it will train on (no ND4J
 * backend is loaded here: parsing and shape propagation are plain Java). A configuration named by
 * {@code configuration_uri} is read now, from under the data roots, and stored in the job: the job trains
 * what was checked, whatever later happens to the file. Either way the stored configuration is DL4J's own
 * JSON of it, every default written out.
 */
@Component
class NetworkCheck {

    /** Far above any layer stack's JSON; a bigger object is not a configuration. */
    static final long MAX_CONFIGURATION_BYTES = 16L << 20;
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };

    private final DataRoots roots;
    private final CheckpointObjects objects;
    private final JsonMapper json = JsonMapper.builder().build();

    NetworkCheck(DataRoots roots, CheckpointObjects objects) {
        this.roots = roots;
        this.objects = objects;
    }

    TrainingConfig resolve(TrainingConfig config, Dataset dataset) {
        TrainingConfig.Model model = config.model();
        if (model.builtIn()) {
            return config;
        }
        if (model.configuration() != null && model.configurationUri() != null) {
            throw new InvalidFieldException("config.model", "takes configuration or configuration_uri, not both");
        }
        String field = model.configurationUri() == null ? "config.model.configuration"
                : "config.model.configuration_uri";
        Map<String, Object> configuration = model.configurationUri() == null ? model.configuration()
                : read(field, model.configurationUri());
        NetworkConfiguration checked = InvalidFieldException.checking(
                () -> NetworkConfiguration.check(field, configuration, DataShape.of(dataset)));
        return config.withModel(model.withConfiguration(checked.canonical()));
    }

    private Map<String, Object> read(String field, String uri) {
        roots.check(field, uri);
        byte[] bytes;
        try {
            bytes = objects.read(uri, MAX_CONFIGURATION_BYTES)
                    .orElseThrow(() -> new InvalidFieldException(field, "names no file or object ('" + uri + "')"));
        } catch (CheckpointObjects.ObjectTooLargeException e) {
            throw new InvalidFieldException(field, "names an object that " + e.getMessage());
        } catch (InvalidFieldException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new UnavailableException("Cannot read " + uri + ": " + e.getMessage());
        }
        try {
            return json.readValue(bytes, OBJECT);
        } catch (JacksonException e) {
            throw new InvalidFieldException(field, "does not hold a JSON object: " + e.getOriginalMessage());
        }
    }
}
