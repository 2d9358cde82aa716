-- The batch of POST /api/secrets (PostgresSecretRepository.CreateAsync: InsertSql, InsertHeadSql, AppendCreatedSql),
-- one pipeline with a single Sync as NpgsqlBatch sends it. Casts stand in for the types Npgsql sends with each value.
\set r random(1, 9000000000000000000)
\startpipeline
INSERT INTO secrets (id, access_hash, created_at, encrypted_data, expires_at, extendable, failed_attempts, manage_hash, max_views, passphrase_protected, views)
VALUES (:r, :hash, :created, :data, :expires, :f, :zero, :mhash, :one, :f, :zero);
INSERT INTO secret_audit_heads (secret_id, manage_hash, last_seq, last_hash, expires_at, retain_until)
VALUES (:r, :mhash, 0, :genesis, :expires::timestamptz, :expires::timestamptz + :retention::interval);
SELECT secret_audit_append(:r::text, 'created', :created::timestamptz, :one::int, NULL, :expires::timestamptz, :retention::interval);
\endpipeline
