package dev.pausable.controlplane.launch;

/**
 * The launcher in force until a Spark launcher is configured: every submission fails with a
 * reason the operator can act on, so no job waits in QUEUED for a driver that will never come.
 */
class UnconfiguredLauncher implements JobLauncher {

    @Override
    public Submission submit(LaunchRequest request) throws LaunchException {
        throw LaunchException.misconfigured("No Spark launcher is configured for this control plane (set pausable.spark.home)");
    }

    @Override
    public void kill(Submission submission) {
        // Nothing was ever submitted.
    }

    @Override
    public Liveness probe(Submission submission) {
        // A job left by a differently configured control plane cannot be seen from here.
        return Liveness.UNKNOWN;
    }
}
