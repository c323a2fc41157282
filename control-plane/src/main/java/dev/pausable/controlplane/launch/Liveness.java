package dev.pausable.controlplane.launch;

/** What Spark says about a submission, as far as the launcher can tell. */
public enum Liveness {
    /** Its driver (or the spark-submit waiting on it) is alive. */
    ALIVE,
    /** Nothing of it runs any more, or it never ran. */
    GONE,
    /** Spark could not be asked (master unreachable): decide nothing now. */
    UNKNOWN
}
