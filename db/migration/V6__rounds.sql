-- Pause within one averaging round (issue 11). An epoch is trained in fixed rounds (each worker fits
-- averaging_frequency minibatches, then the driver averages); a checkpoint may now hold an epoch and a
-- number of rounds of the next one.

-- pause_at: where a requested pause takes effect (the seed's epoch boundary, or the next round boundary).
-- current_round / rounds_per_epoch: rounds done in the epoch after current_epoch, and how many it has;
-- current_epoch stays the last completed epoch. *_checkpoint_round: rounds of the next epoch the pause /
-- latest checkpoint holds (0 at an epoch boundary).
ALTER TABLE training_jobs
    ADD COLUMN pause_at                text    NOT NULL DEFAULT 'epoch' CHECK (pause_at IN ('epoch', 'round')),
    ADD COLUMN current_round           integer NOT NULL DEFAULT 0 CHECK (current_round >= 0),
    ADD COLUMN rounds_per_epoch        integer CHECK (rounds_per_epoch > 0),
    ADD COLUMN pause_checkpoint_round  integer CHECK (pause_checkpoint_round >= 0),
    ADD COLUMN latest_checkpoint_round integer CHECK (latest_checkpoint_round >= 0);

ALTER TABLE checkpoints ADD COLUMN round integer NOT NULL DEFAULT 0 CHECK (round >= 0);

DROP INDEX checkpoints_live_idx;
CREATE INDEX checkpoints_live_idx ON checkpoints (job_id, epoch DESC, round DESC, id DESC) WHERE deleted_at IS NULL;

-- The job's latest checkpoint: the live one furthest into training (epoch, then round), the newest among equals.
CREATE OR REPLACE FUNCTION training_jobs_refresh_latest_checkpoint(job uuid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    latest checkpoints%ROWTYPE;
BEGIN
    SELECT * INTO latest FROM checkpoints
    WHERE job_id = job AND deleted_at IS NULL
    ORDER BY epoch DESC, round DESC, id DESC LIMIT 1;
    UPDATE training_jobs
    SET latest_checkpoint_uri = latest.uri, latest_checkpoint_sha256 = latest.sha256,
        latest_checkpoint_size = latest.size_bytes, latest_checkpoint_epoch = latest.epoch,
        latest_checkpoint_round = latest.round, latest_checkpoint_kind = latest.kind
    WHERE id = job AND latest_checkpoint_uri IS DISTINCT FROM latest.uri;
END
$$;

-- Job updates also carry where in the next epoch the job is (dashboards show "round 120 of 250").
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
            'latest_checkpoint_epoch', NEW.latest_checkpoint_epoch,
            'pause_at', NEW.pause_at,
            'current_round', NEW.current_round,
            'rounds_per_epoch', NEW.rounds_per_epoch))::text);
    RETURN NEW;
END
$$;
