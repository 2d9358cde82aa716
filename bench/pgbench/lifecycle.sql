-- The SQL that the API sends for one lifecycle (PostgresSecretRepository): the batch of POST /api/secrets (secret,
-- audit head, 'created' event hashed by the API, here :chash), then the reveal's batch (the audit key statement of
-- PostgresAuditKeys, here with constant pads, then RevealSql: the secret_reveal decision, which takes the view, deletes
-- the burned row and appends 'viewed' and 'burned', keyed). Each batch is one pipeline with a single Sync, so one
-- implicit transaction, as NpgsqlBatch sends it. run.sh passes the values with -D; ids are random integers as text; casts stand in for Npgsql's parameter types.
\set r random(1, 9000000000000000000)
\startpipeline
INSERT INTO secrets (id, access_hash, created_at, encrypted_data, expires_at, expires_at_limit, extendable, failed_attempts, manage_hash, max_views, passphrase_protected, views)
VALUES (:r, :hash, :created, :data, :expires, :expires, :f, :zero, :mhash, :one, :f, :zero);
INSERT INTO secret_audit_heads (secret_id, manage_hash, last_seq, last_hash, expires_at, retain_until, key_id, head_mac)
VALUES (:r, :mhash, :one, :chash, :expires::timestamptz, :expires::timestamptz + :retention::interval, :keyid, :chash);
INSERT INTO secret_events (secret_id, seq, type, occurred_at, views_remaining, detail, prev_hash, hash, key_id)
VALUES (:r, :one, 'created', :created, :one, NULL, :genesis, :chash, :keyid);
\endpipeline
\startpipeline
SELECT set_config('secretshare.audit_secret', :r::text, true), set_config('secretshare.audit_key_id', :keyid::text, true),
       set_config('secretshare.audit_current_pads', :pads::text, true), set_config('secretshare.audit_pads', '', true);
SELECT outcome, attempts_remaining, encrypted_data, created_at, expires_at, max_views, views, extendable, passphrase_protected, deleted_by
FROM secret_reveal(:r::text, :hash::bytea, :now::timestamptz, 5, :retention::interval);
\endpipeline
