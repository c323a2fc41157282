package dev.pausable.controlplane.launch;

/**
 * Hands jobs to Spark. Called only after the transaction that created or resumed the job has
 * committed, and never on a request thread, so an implementation may block on spark-submit.
 */
public interface JobLauncher {

    /**
     * Submits one attempt of a job.
     *
     * @return the submission: the request's tag, plus the driver id where the cluster manager gives one
     * @throws LaunchException when the job could not be handed to Spark; the job becomes FAILED with the reason
     */
    Submission submit(LaunchRequest request) throws LaunchException;

    /** Stops a submission if it is still alive; a no-op for one that is gone. */
    void kill(Submission submission);

    /**
     * Whether the submission still runs. Finding a submission this control plane did not start (one
     * started before a restart) adopts it: its end is then reported like that of one started here.
     */
    Liveness probe(Submission submission);
}
