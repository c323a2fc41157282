-- Authentication (issue 12). API tokens are random 256-bit secrets; only their SHA-256 is stored, so
-- neither this table nor a backup of it lets anyone call the API. A token carries one role; its name is
-- the principal the audit trail records and that owns the jobs it creates.
CREATE TABLE api_tokens (
    id            uuid        PRIMARY KEY,
    name          text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    role          text        NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    secret_sha256 bytea       NOT NULL UNIQUE CHECK (length(secret_sha256) = 32),
    created_by    text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz,
    revoked_at    timestamptz
);

-- Who created a job: operators may pause, resume and cancel only their own. NULL for jobs created
-- before authentication existed: only admins act on those.
ALTER TABLE training_jobs ADD COLUMN owner text;
