-- The SQL of GET /api/secrets/{id} (PostgresSecretRepository.FindLiveSql, as logged with log_statement=all), over
-- rows '1'..'200' that run.sh seeds (an API id is 22 characters, so they cannot collide).
\set k random(1, 200)
SELECT id, access_hash, manage_hash, created_at, expires_at, expires_at_limit, max_views, views, failed_attempts, extendable, passphrase_protected
FROM secrets s
WHERE id = :k AND secret_is_live(s, now());
