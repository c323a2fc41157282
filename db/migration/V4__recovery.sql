-- Recovery from the latest verified checkpoint (issue 10): restarts, the checkpoint lineage and retention.

-- How many times the control plane restarted the job after an attempt ended without an outcome, and
-- why it last did. The latest verified checkpoint is kept on the job row by the triggers below, so every
-- reader (API, dashboards, the launcher) sees it with the job, whoever committed or deleted checkpoints.
ALTER TABLE training_jobs
    ADD COLUMN restart_count            integer NOT NULL DEFAULT 0 CHECK (restart_count >= 0),
    ADD COLUMN restart_reason           text,
    ADD COLUMN latest_checkpoint_uri    text,
    ADD COLUMN latest_checkpoint_sha256 text CHECK (latest_checkpoint_sha256 ~ '^[0-9a-f]{64}$'),
    ADD COLUMN latest_checkpoint_size   bigint CHECK (latest_checkpoint_size > 0),
    ADD COLUMN latest_checkpoint_epoch  integer,
    ADD COLUMN latest_checkpoint_kind   text;

CREATE INDEX checkpoints_live_idx ON checkpoints (job_id, epoch DESC, id DESC) WHERE deleted_at IS NULL;

-- The job's latest checkpoint: the live one with the highest epoch, the newest among equals.
CREATE FUNCTION training_jobs_refresh_latest_checkpoint(job uuid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    latest checkpoints%ROWTYPE;
BEGIN
    SELECT * INTO latest FROM checkpoints
    WHERE job_id = job AND deleted_at IS NULL
    ORDER BY epoch DESC, id DESC LIMIT 1;
    UPDATE training_jobs
    SET latest_checkpoint_uri = latest.uri, latest_checkpoint_sha256 = latest.sha256,
        latest_checkpoint_size = latest.size_bytes, latest_checkpoint_epoch = latest.epoch,
        latest_checkpoint_kind = latest.kind
    WHERE id = job AND latest_checkpoint_uri IS DISTINCT FROM latest.uri;
END
$$;

CREATE FUNCTION checkpoints_track_latest() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM training_jobs_refresh_latest_checkpoint(NEW.job_id);
    RETURN NEW;
END
$$;

CREATE TRIGGER checkpoints_track_latest
    AFTER INSERT OR UPDATE OF deleted_at ON checkpoints
    FOR EACH ROW EXECUTE FUNCTION checkpoints_track_latest();

-- Job updates also carry the restart count and the latest checkpoint's epoch (dashboards show both;
-- the control plane offers "resume" for a failed job that has a checkpoint).
CREATE OR REPLACE FUNCTION training_jobs_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('training_events', json_build_object(
            'event', 'training_job_deleted',
            'data', json_build_object('job_id', OLD.id))::text);
        RETURN OLD;
    END IF;
    -- A heartbeat alone is not news for dashboards.
    IF TG_OP = 'UPDATE'
       AND (to_jsonb(NEW) - 'heartbeat_at' - 'updated_at') = (to_jsonb(OLD) - 'heartbeat_at' - 'updated_at') THEN
        RETURN NEW;
    END IF;
    PERFORM pg_notify('training_events', json_build_object(
        'event', 'training_job_update',
        'data', json_build_object(
            'job_id', NEW.id,
            'job_name', left(NEW.job_name, 200),
            'job_type', NEW.job_type,
            'status', NEW.status,
            'desired_state', NEW.desired_state,
            'current_epoch', NEW.current_epoch,
            'total_epochs', NEW.total_epochs,
            'progress_percent', NEW.progress_percent,
            'train_loss', NEW.train_loss,
            'val_loss', NEW.val_loss,
            'best_val_loss', NEW.best_val_loss,
            'best_epoch', NEW.best_epoch,
            'attempt', NEW.attempt,
            'submission_id', NEW.submission_id,
            'error_message', left(NEW.error_message, 1000),
            'updated_at', NEW.updated_at,
            'restart_count', NEW.restart_count,
            'latest_checkpoint_epoch', NEW.latest_checkpoint_epoch))::text);
    RETURN NEW;
END
$$;

-- The audit trail also records a new attempt of a job that stays in its status (a restart of a job whose
-- launch failed: PENDING, attempt + 1), as a status event from and to that status, with its reason.
CREATE OR REPLACE FUNCTION training_jobs_audit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    who text := coalesce(nullif(current_setting('pausable.actor', true), ''), session_user::text);
    why text := nullif(current_setting('pausable.reason', true), '');
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO job_events (job_id, event_type, from_value, to_value, actor, reason, epoch, attempt)
        VALUES (NEW.id, 'created', NULL, NEW.status, who, why, NEW.current_epoch, NEW.attempt);
        RETURN NEW;
    END IF;
    IF NEW.desired_state IS DISTINCT FROM OLD.desired_state THEN
        INSERT INTO job_events (job_id, event_type, from_value, to_value, actor, reason, epoch, attempt)
        VALUES (NEW.id, 'intent', OLD.desired_state, NEW.desired_state, who, why, NEW.current_epoch, NEW.attempt);
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status OR NEW.attempt IS DISTINCT FROM OLD.attempt THEN
        INSERT INTO job_events (job_id, event_type, from_value, to_value, actor, reason, epoch, attempt)
        VALUES (NEW.id, 'status', OLD.status, NEW.status, who,
                coalesce(why, CASE WHEN NEW.status = 'failed' THEN NEW.error_message END),
                NEW.current_epoch, NEW.attempt);
    END IF;
    RETURN NEW;
END
$$;

-- Why a checkpoint row says deleted: released by a newer checkpoint (retention), or its object was
-- found missing by the control plane's sweeper.
ALTER TABLE checkpoints ADD COLUMN deleted_reason text;
