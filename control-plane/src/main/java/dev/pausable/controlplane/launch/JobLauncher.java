package dev.pausable.controlplane.launch;

/**
 * Hands jobs to Spark. Called only after the transaction that created or resumed the job has
 * committed, and never on a request thread, so an implementation may block on spark-submit.
 */
public interface JobLauncher {

    /**
     * Submits one attempt of a job.
     *
     * @return the submission id (the request's tag unless the launcher has a better handle)
     * @throws LaunchException when the job could not be handed to Spark; the job becomes FAILED with the reason
     */
    String submit(LaunchRequest request) throws LaunchException;

    /** Stops a submission if it is still alive; a no-op for one that is gone. */
    void kill(String submissionId);
}
