-- The SQL that the API sends for one lifecycle (captured with log_statement=all): the INSERT of
-- POST /api/secrets, then the reveal's batch (UPDATE ... RETURNING and DELETE, one Sync = one implicit
-- transaction, as NpgsqlBatch sends it). run.sh passes the values with -D; ids are random integers as text.
\set r random(1, 9000000000000000000)
INSERT INTO secrets (id, access_hash, created_at, encrypted_data, expires_at, extendable, failed_attempts, manage_hash, max_views, passphrase_protected, views)
VALUES (:r, :hash, :created, :data, :expires, :f, :zero, :mhash, :one, :f, :zero);
\startpipeline
UPDATE secrets SET views = views + 1, failed_attempts = 0
WHERE id = :r AND access_hash = :hash AND expires_at > :now AND (max_views IS NULL OR views < max_views)
RETURNING encrypted_data, max_views, views, expires_at;
DELETE FROM secrets WHERE id = :r AND views >= max_views;
\endpipeline
