-- The one schema shared by the control plane (writes intent, PENDING/QUEUED and lost
-- drivers) and the trainer (writes RUNNING/PAUSED/COMPLETED/FAILED/CANCELLED and progress).
-- Every status change is a conditional UPDATE ... WHERE status = ? AND attempt = ?.

CREATE TABLE datasets (
    id                uuid PRIMARY KEY,
    name              text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    uri               text        NOT NULL CHECK (uri ~ '^(s3a|file)://.+'),
    num_samples       bigint      CHECK (num_samples >= 0),
    feature_columns   jsonb       NOT NULL CHECK (jsonb_typeof(feature_columns) = 'array'),
    label_columns     jsonb       NOT NULL CHECK (jsonb_typeof(label_columns) = 'array'),
    task              text        NOT NULL DEFAULT 'regression'
                                  CHECK (task IN ('regression', 'classification')),
    created_by_job_id uuid,
    created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX datasets_created_at_idx ON datasets (created_at DESC);

CREATE TABLE training_jobs (
    id                      uuid PRIMARY KEY,
    job_name                text             NOT NULL CHECK (length(job_name) BETWEEN 1 AND 200),
    job_type                text             NOT NULL CHECK (job_type IN ('training', 'synthetic_data')),
    status                  text             NOT NULL
        CHECK (status IN ('pending', 'queued', 'running', 'pausing', 'paused',
                          'cancelling', 'cancelled', 'completed', 'failed')),
    desired_state           text             NOT NULL DEFAULT 'running'
        CHECK (desired_state IN ('running', 'paused', 'cancelled')),
    config                  jsonb            NOT NULL CHECK (jsonb_typeof(config) = 'object'),
    dataset_id              uuid             REFERENCES datasets (id),
    total_epochs            integer          NOT NULL CHECK (total_epochs >= 0),
    current_epoch           integer          NOT NULL DEFAULT 0 CHECK (current_epoch >= 0),
    progress_percent        double precision NOT NULL DEFAULT 0 CHECK (progress_percent BETWEEN 0 AND 100),
    train_loss              double precision,
    val_loss                double precision,
    learning_rate           double precision,
    best_val_loss           double precision,
    best_epoch              integer,
    -- Fencing token: incremented by every (re)submission; every trainer write carries it.
    attempt                 integer          NOT NULL DEFAULT 1 CHECK (attempt >= 1),
    submission_id           text,
    spark_app_id            text,
    pause_checkpoint_path   text,
    pause_checkpoint_sha256 text             CHECK (pause_checkpoint_sha256 ~ '^[0-9a-f]{64}$'),
    pause_checkpoint_size   bigint           CHECK (pause_checkpoint_size > 0),
    pause_checkpoint_epoch  integer,
    error_message           text,
    heartbeat_at            timestamptz,
    created_at              timestamptz      NOT NULL DEFAULT now(),
    started_at              timestamptz,
    updated_at              timestamptz      NOT NULL DEFAULT now(),
    completed_at            timestamptz,
    -- Synthetic data jobs have no epochs, which is also what makes them unpausable.
    CHECK (job_type = 'training' OR total_epochs = 0),
    CHECK (job_type = 'synthetic_data' OR total_epochs >= 1)
);
CREATE INDEX training_jobs_status_created_idx ON training_jobs (status, created_at DESC);
CREATE INDEX training_jobs_type_created_idx ON training_jobs (job_type, created_at DESC);
CREATE INDEX training_jobs_created_idx ON training_jobs (created_at DESC);
CREATE INDEX training_jobs_dataset_idx ON training_jobs (dataset_id);

ALTER TABLE datasets
    ADD CONSTRAINT datasets_created_by_job_fk
        FOREIGN KEY (created_by_job_id) REFERENCES training_jobs (id) ON DELETE SET NULL;

CREATE TABLE training_metrics (
    id                 bigserial PRIMARY KEY,
    job_id             uuid             NOT NULL REFERENCES training_jobs (id) ON DELETE CASCADE,
    attempt            integer          NOT NULL CHECK (attempt >= 1),
    epoch              integer          NOT NULL CHECK (epoch >= 1),
    train_loss         double precision,
    val_loss           double precision,
    learning_rate      double precision,
    duration_ms        bigint           CHECK (duration_ms >= 0),
    samples_per_second double precision,
    iteration_count    bigint,
    recorded_at        timestamptz      NOT NULL DEFAULT now(),
    UNIQUE (job_id, attempt, epoch)
);
CREATE INDEX training_metrics_job_epoch_idx ON training_metrics (job_id, epoch, attempt);

CREATE TABLE checkpoints (
    id         bigserial PRIMARY KEY,
    job_id     uuid        NOT NULL REFERENCES training_jobs (id) ON DELETE CASCADE,
    epoch      integer     NOT NULL CHECK (epoch >= 0),
    attempt    integer     NOT NULL CHECK (attempt >= 1),
    uri        text        NOT NULL UNIQUE,
    sha256     text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size_bytes bigint      NOT NULL CHECK (size_bytes > 0),
    kind       text        NOT NULL CHECK (kind IN ('pause', 'periodic', 'best', 'final')),
    created_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz
);
CREATE INDEX checkpoints_job_idx ON checkpoints (job_id, created_at);

-- Audit trail: every intent and status change, whoever wrote it. Writers name themselves
-- with set_config('pausable.actor', ..., true) (and optionally 'pausable.reason') in the
-- same transaction; a bare SQL session is recorded as its database user.
CREATE TABLE job_events (
    id         bigserial PRIMARY KEY,
    job_id     uuid        NOT NULL REFERENCES training_jobs (id) ON DELETE CASCADE,
    event_type text        NOT NULL CHECK (event_type IN ('created', 'intent', 'status')),
    from_value text,
    to_value   text        NOT NULL,
    actor      text        NOT NULL,
    reason     text,
    epoch      integer,
    attempt    integer,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX job_events_job_idx ON job_events (job_id, id);

CREATE FUNCTION training_jobs_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;

CREATE TRIGGER training_jobs_touch
    BEFORE UPDATE ON training_jobs
    FOR EACH ROW EXECUTE FUNCTION training_jobs_touch();

CREATE FUNCTION training_jobs_audit() RETURNS trigger LANGUAGE plpgsql AS $$
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
    IF NEW.status IS DISTINCT FROM OLD.status THEN
        INSERT INTO job_events (job_id, event_type, from_value, to_value, actor, reason, epoch, attempt)
        VALUES (NEW.id, 'status', OLD.status, NEW.status, who,
                coalesce(why, CASE WHEN NEW.status = 'failed' THEN NEW.error_message END),
                NEW.current_epoch, NEW.attempt);
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER training_jobs_audit
    AFTER INSERT OR UPDATE ON training_jobs
    FOR EACH ROW EXECUTE FUNCTION training_jobs_audit();

-- Change notifications for the control plane's LISTEN -> WebSocket fan-out. The payload
-- is the WebSocket message itself: {"event": ..., "data": {...}} (well under pg_notify's
-- 8000-byte limit: the error message is cut to 1000 characters).
CREATE FUNCTION training_jobs_notify() RETURNS trigger LANGUAGE plpgsql AS $$
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
            'updated_at', NEW.updated_at))::text);
    RETURN NEW;
END
$$;

CREATE TRIGGER training_jobs_notify
    AFTER INSERT OR UPDATE OR DELETE ON training_jobs
    FOR EACH ROW EXECUTE FUNCTION training_jobs_notify();

CREATE FUNCTION training_metrics_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('training_events', json_build_object(
        'event', 'training_progress',
        'data', json_build_object(
            'job_id', NEW.job_id,
            'attempt', NEW.attempt,
            'epoch', NEW.epoch,
            'train_loss', NEW.train_loss,
            'val_loss', NEW.val_loss,
            'learning_rate', NEW.learning_rate,
            'duration_ms', NEW.duration_ms,
            'samples_per_second', NEW.samples_per_second,
            'recorded_at', NEW.recorded_at))::text);
    RETURN NEW;
END
$$;

CREATE TRIGGER training_metrics_notify
    AFTER INSERT ON training_metrics
    FOR EACH ROW EXECUTE FUNCTION training_metrics_notify();
