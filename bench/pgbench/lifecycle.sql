-- The SQL that the API sends for one lifecycle (PostgresSecretRepository): the batch of POST /api/secrets (secret,
-- audit head, 'created' event hashed by the API, here :chash), then the reveal's batch (RevealSql, which appends
-- 'viewed' and 'burned', then DeleteBurnedSql). Each batch is one pipeline with a single Sync, so one implicit
-- transaction, as NpgsqlBatch sends it. run.sh passes the values with -D; ids are random integers as text; casts stand in for Npgsql's parameter types.
\set r random(1, 9000000000000000000)
\startpipeline
INSERT INTO secrets (id, access_hash, created_at, encrypted_data, expires_at, extendable, failed_attempts, manage_hash, max_views, passphrase_protected, views)
VALUES (:r, :hash, :created, :data, :expires, :f, :zero, :mhash, :one, :f, :zero);
INSERT INTO secret_audit_heads (secret_id, manage_hash, last_seq, last_hash, expires_at, retain_until)
VALUES (:r, :mhash, :one, :chash, :expires::timestamptz, :expires::timestamptz + :retention::interval);
INSERT INTO secret_events (secret_id, seq, type, occurred_at, views_remaining, detail, prev_hash, hash)
VALUES (:r, :one, 'created', :created, :one, NULL, :genesis, :chash);
\endpipeline
\startpipeline
WITH revealed AS (
    UPDATE secrets SET views = views + 1, failed_attempts = 0
    WHERE id = :r AND access_hash = :hash AND expires_at > :now AND (max_views IS NULL OR views < max_views)
    RETURNING id, encrypted_data, max_views, views, expires_at)
SELECT encrypted_data, max_views, views, expires_at,
       secret_audit_append_view(id, :now::timestamptz, max_views - views, expires_at, :retention::interval)
FROM revealed;
DELETE FROM secrets WHERE id = :r AND views >= max_views;
\endpipeline
