-- The compiled EF Core query of GET /api/secrets/{id} (captured with log_statement=all), over rows '1'..'200'
-- that run.sh seeds (an API id is 22 characters, so they cannot collide).
\set k random(1, 200)
SELECT s.id, s.access_hash, s.manage_hash, s.created_at, s.expires_at, s.max_views, s.views, s.failed_attempts, s.extendable, s.passphrase_protected
FROM secrets AS s
WHERE s.id = :k
LIMIT 1;
