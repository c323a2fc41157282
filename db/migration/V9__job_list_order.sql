-- The jobs list orders by (created_at DESC, id): with id in the indexes, a page is read straight from
-- the index even when many jobs share a creation time (a batch created in one transaction), instead
-- of sorting every row of that time.
DROP INDEX training_jobs_created_idx;
DROP INDEX training_jobs_status_created_idx;
DROP INDEX training_jobs_type_created_idx;
CREATE INDEX training_jobs_created_idx ON training_jobs (created_at DESC, id);
CREATE INDEX training_jobs_status_created_idx ON training_jobs (status, created_at DESC, id);
CREATE INDEX training_jobs_type_created_idx ON training_jobs (job_type, created_at DESC, id);
