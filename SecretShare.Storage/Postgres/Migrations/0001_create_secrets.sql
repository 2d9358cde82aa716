-- Secrets: ciphertext plus SHA-256 hashes of the access and manage tokens (SPEC section 4).
CREATE TABLE secrets (
    id                   text        PRIMARY KEY,
    encrypted_data       bytea       NOT NULL,
    access_hash          bytea       NOT NULL,
    manage_hash          bytea       NOT NULL,
    created_at           timestamptz NOT NULL,
    expires_at           timestamptz NOT NULL,
    max_views            int         NULL CHECK (max_views IS NULL OR max_views > 0),
    views                int         NOT NULL DEFAULT 0,
    failed_attempts      int         NOT NULL DEFAULT 0,
    extendable           boolean     NOT NULL,
    passphrase_protected boolean     NOT NULL
) WITH (fillfactor = 90); -- room for HOT updates of the view and attempt counters

-- Ciphertext does not compress: skip the attempt.
ALTER TABLE secrets ALTER COLUMN encrypted_data SET STORAGE EXTERNAL;

-- The cleanup worker deletes by expiry.
CREATE INDEX ix_secrets_expires_at ON secrets (expires_at);
