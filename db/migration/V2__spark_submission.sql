-- Per-job Spark settings (validated against the control plane's denylist when the job is
-- created, reused by every resume) and, for standalone cluster mode, the driver id the
-- master's REST API gave the current attempt's submission.
ALTER TABLE training_jobs
    ADD COLUMN spark_conf      jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(spark_conf) = 'object'),
    ADD COLUMN spark_driver_id text;
