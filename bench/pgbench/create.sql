-- The batch of POST /api/secrets (PostgresSecretRepository.CreateAsync: the secret, its audit head and its 'created'
-- event, hashed by the API), one pipeline with a single Sync as NpgsqlBatch sends it. Casts stand in for the types
-- Npgsql sends with each value; :chash stands in for the event's hash.
\set r random(1, 9000000000000000000)
\startpipeline
INSERT INTO secrets (id, access_hash, created_at, encrypted_data, expires_at, expires_at_limit, extendable, failed_attempts, manage_hash, max_views, passphrase_protected, views)
VALUES (:r, :hash, :created, :data, :expires, :expires, :f, :zero, :mhash, :one, :f, :zero);
INSERT INTO secret_audit_heads (secret_id, manage_hash, last_seq, last_hash, expires_at, retain_until, key_id, head_mac)
VALUES (:r, :mhash, :one, :chash, :expires::timestamptz, :expires::timestamptz + :retention::interval, :keyid, :chash);
INSERT INTO secret_events (secret_id, seq, type, occurred_at, views_remaining, detail, prev_hash, hash, key_id)
VALUES (:r, :one, 'created', :created, :one, NULL, :genesis, :chash, :keyid);
\endpipeline
