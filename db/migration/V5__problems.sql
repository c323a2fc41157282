-- Problems a job goes on with (a checkpoint that could not be written, a retryable failure of an
-- attempt) are audit-trail entries, not only the job's current error_message (which the next commit
-- clears): an operator sees every one afterwards, with its epoch and attempt (to_value: the status the
-- job stayed in).
ALTER TABLE job_events DROP CONSTRAINT job_events_event_type_check;
ALTER TABLE job_events ADD CONSTRAINT job_events_event_type_check
    CHECK (event_type IN ('created', 'intent', 'status', 'problem'));
