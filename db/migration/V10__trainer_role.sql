-- Least privilege for trainers (issue 12). Drivers connect as pausable_trainer (or a login role that is a
-- member of it), never as the control plane's account: they read jobs, datasets and checkpoints, record
-- progress, metrics, round losses, checkpoints, events and generated datasets, and move their own job
-- through the trainer's statuses. They cannot change an operator's intent, a job's configuration, owner
-- or restart accounting, delete anything, or read API tokens; every UPDATE they make stays fenced by
-- (id, attempt) in the trainer's SQL.
--
-- Roles belong to the whole PostgreSQL cluster: the role is created once (the migrating account needs
-- CREATEROLE, or an administrator creates it beforehand; see docs/architecture.md) and granted here.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pausable_trainer') THEN
        CREATE ROLE pausable_trainer NOLOGIN;
    END IF;
EXCEPTION WHEN duplicate_object THEN
    NULL; -- another database's migration created it at the same moment
END
$$;

-- PostgreSQL 14 lets every role create objects in the public schema; a trainer must not.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

GRANT SELECT ON training_jobs, datasets, checkpoints TO pausable_trainer;
GRANT UPDATE (status, attempt, submission_id, restart_reason, spark_app_id, spark_driver_id, started_at,
              heartbeat_at, completed_at, current_epoch, current_round, rounds_per_epoch, progress_percent,
              train_loss, val_loss, learning_rate, best_val_loss, best_epoch, error_message, dataset_id,
              pause_checkpoint_path, pause_checkpoint_sha256, pause_checkpoint_size, pause_checkpoint_epoch,
              pause_checkpoint_round)
    ON training_jobs TO pausable_trainer;
GRANT INSERT ON datasets, training_metrics, round_losses, checkpoints, job_events TO pausable_trainer;
GRANT UPDATE (deleted_at, deleted_reason) ON checkpoints TO pausable_trainer;
-- INSERT ... ON CONFLICT (key) DO NOTHING reads the key columns: a retried report finds its own row.
GRANT SELECT (job_id, attempt, epoch) ON training_metrics TO pausable_trainer;
GRANT SELECT (job_id, attempt, epoch, round) ON round_losses TO pausable_trainer;
GRANT USAGE ON SEQUENCE training_metrics_id_seq, checkpoints_id_seq, job_events_id_seq TO pausable_trainer;

-- A committed or released checkpoint refreshes the job's latest_checkpoint_* columns through a trigger;
-- those columns stay the control plane's, so the refresh runs with its owner's rights, on a fixed
-- search_path (the one the schema was migrated with).
ALTER FUNCTION training_jobs_refresh_latest_checkpoint(uuid) SECURITY DEFINER;
ALTER FUNCTION training_jobs_refresh_latest_checkpoint(uuid) SET search_path FROM CURRENT;
REVOKE EXECUTE ON FUNCTION training_jobs_refresh_latest_checkpoint(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION training_jobs_refresh_latest_checkpoint(uuid) TO pausable_trainer;
