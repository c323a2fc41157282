package dev.pausable.trainer.data;

/**
 * Derives independent seeds from the job seed, so that everything random (data order per epoch,
 * train/validation membership, synthetic rows) is a pure function of (seed, what, index).
 */
public final class Seeds {

    private Seeds() {
    }

    /** SplitMix64 finalizer over the combined inputs: well-mixed, stable across JVMs and versions. */
    public static long mix(long seed, long... parts) {
        long h = seed;
        for (long part : parts) {
            h = finalize(h ^ finalize(part + 0x9E3779B97F4A7C15L));
        }
        return finalize(h);
    }

    private static long finalize(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Salts, so the uses of one seed never correlate. */
    public static final long VALIDATION = 1;
    public static final long PARTITION = 2;
    public static final long EPOCH_ORDER = 3;
    public static final long ROW = 5;
    public static final long RECEIVERS = 6;
    public static final long CHUNK = 7;
    public static final long CHUNK_ORDER = 8;
    public static final long SIGNAL_WINDOW = 9;
    public static final long TRAINING_DRAWS = 10;
}
