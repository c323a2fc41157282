package dev.pausable.contract;

import static dev.pausable.contract.ConfigChecks.orDefault;
import static dev.pausable.contract.ConfigChecks.require;


/**
 * The {@code config} of a synthetic-data job: transmitters at random positions in a square area,
 * receivers at fixed positions, received signal strength (log-distance path loss plus log-normal
 * shadowing) as features, the transmitter position as label. Deterministic for a given seed.
 *
 * @param numSamples       required; rows to generate (1..50,000,000)
 * @param seed             default: drawn at creation and stored
 * @param datasetName      name of the registered dataset; default: the job name
 * @param outputUri        s3a:// or file:// base under which the Parquet dataset is written;
 *                         default: the trainer's configured dataset root
 * @param numReceivers     fixed receivers = feature columns; default 8 (3..64)
 * @param areaSizeM        side of the square area in metres; default 1000 (10..100,000)
 * @param pathLossExponent default 3.0 (1.5..6)
 * @param shadowingSigmaDb standard deviation of the shadowing noise; default 4.0 (0..20)
 * @param txPowerDbm       transmit power; default 30 (-30..60)
 * @param partitions       Spark partitions = Parquet files; default 4 (1..1024)
 * @param signalWindow     samples per receiver of a window of received signal strength (fast fading around
 *                         each receiver's mean); &gt; 0 adds the column {@code rss_window}, an array of
 *                         {@code [num_receivers, signal_window]} (recurrent: receivers are the features,
 *                         samples the time steps), and registers it as the dataset's one feature column;
 *                         default 0, off (0..1024)
 */
public record SyntheticDataConfig(
        Long numSamples,
        Long seed,
        String datasetName,
        String outputUri,
        Integer numReceivers,
        Double areaSizeM,
        Double pathLossExponent,
        Double shadowingSigmaDb,
        Double txPowerDbm,
        Integer partitions,
        Integer signalWindow) {

    /**
     * The config as the trainer uses it: the stored form, validated again and with the defaults of
     * fields added since (idempotent, like {@link TrainingConfig#stored()}).
     */
    public SyntheticDataConfig stored(String jobName) {
        return normalized(require("seed", seed), jobName);
    }

    /** Validates and fills in defaults; the seed is drawn when absent, the dataset is named after the job. */
    public SyntheticDataConfig normalized(long generatedSeed, String jobName) {
        ConfigChecks.range("num_samples", require("num_samples", numSamples), 1, 50_000_000);
        String name = datasetName == null ? jobName : datasetName;
        if (name.isBlank() || name.length() > 200) {
            throw ConfigChecks.invalid("dataset_name", "must be 1 to 200 characters");
        }
        if (outputUri != null) {
            StorageUris.requireSupported("config.output_uri", outputUri);
        }
        return new SyntheticDataConfig(numSamples, seed == null ? generatedSeed : seed, name, outputUri,
                ConfigChecks.range("num_receivers", orDefault(numReceivers, 8), 3, 64),
                ConfigChecks.range("area_size_m", orDefault(areaSizeM, 1000.0), 10, 100_000),
                ConfigChecks.range("path_loss_exponent", orDefault(pathLossExponent, 3.0), 1.5, 6),
                ConfigChecks.range("shadowing_sigma_db", orDefault(shadowingSigmaDb, 4.0), 0, 20),
                ConfigChecks.range("tx_power_dbm", orDefault(txPowerDbm, 30.0), -30, 60),
                ConfigChecks.range("partitions", orDefault(partitions, 4), 1, 1024),
                ConfigChecks.range("signal_window", orDefault(signalWindow, 0), 0, 1024));
    }
}
