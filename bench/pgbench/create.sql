-- The INSERT of POST /api/secrets (PostgresSecretRepository.InsertSql, as logged with log_statement=all).
\set r random(1, 9000000000000000000)
INSERT INTO secrets (id, access_hash, created_at, encrypted_data, expires_at, extendable, failed_attempts, manage_hash, max_views, passphrase_protected, views)
VALUES (:r, :hash, :created, :data, :expires, :f, :zero, :mhash, :one, :f, :zero);
