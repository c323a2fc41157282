-- Admission control (issue 12): at most pausable.admission.max-running jobs hold Spark resources at once.
-- A created or resumed job waits for a slot (waiting_since set) in PENDING or QUEUED; the leading control
-- plane admits waiting jobs highest priority first, first come first served within a priority, and only
-- then submits them. A job holds a slot from its admission until it is paused or finishes (a restart
-- keeps its slot).
ALTER TABLE training_jobs
    ADD COLUMN priority      integer NOT NULL DEFAULT 50 CHECK (priority BETWEEN 0 AND 100),
    ADD COLUMN waiting_since timestamptz;

CREATE INDEX training_jobs_waiting_idx ON training_jobs (priority DESC, waiting_since, id)
    WHERE waiting_since IS NOT NULL;
