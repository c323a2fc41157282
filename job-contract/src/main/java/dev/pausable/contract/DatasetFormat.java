package dev.pausable.contract;

import com.fasterxml.jackson.annotation.JsonValue;

/** How a dataset's files are written: Parquet, or CSV with a header row naming the columns. */
public enum DatasetFormat {
    PARQUET, CSV;

    @JsonValue
    public String wire() {
        return Wire.of(this);
    }

    public static DatasetFormat fromWire(String value) {
        return Wire.parse(DatasetFormat.class, value, "dataset format");
    }
}
