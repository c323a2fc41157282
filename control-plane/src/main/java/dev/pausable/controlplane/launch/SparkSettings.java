package dev.pausable.controlplane.launch;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** The Spark settings every submission starts from, as spark-submit would assemble them on this host. */
public final class SparkSettings {

    private SparkSettings() {
    }

    /** SPARK_HOME/conf/spark-defaults.conf, then the operator's {@code pausable.spark.conf} on top. */
    public static Map<String, String> effective(SparkProperties spark) {
        Map<String, String> settings = spark.home() == null ? new LinkedHashMap<>() : defaultsFile(spark.home());
        settings.putAll(spark.conf());
        return settings;
    }

    /** The {@code spark.*} entries of SPARK_HOME/conf/spark-defaults.conf; empty when there is none. */
    static Map<String, String> defaultsFile(Path sparkHome) {
        Path file = sparkHome.resolve("conf").resolve("spark-defaults.conf");
        Map<String, String> defaults = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) {
            return defaults;
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
        properties.stringPropertyNames().stream().filter(key -> key.startsWith("spark.")).sorted()
                .forEach(key -> defaults.put(key, properties.getProperty(key).trim()));
        return defaults;
    }
}
