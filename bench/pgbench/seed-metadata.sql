-- Rows '1'..'200' for the metadata ceiling (unlimited views, live for a day, 1 KiB payload).
INSERT INTO secrets (id, access_hash, created_at, encrypted_data, expires_at, expires_at_limit, extendable, failed_attempts, manage_hash, max_views, passphrase_protected, views)
SELECT g::text, sha256('bench'::bytea), now(), '\x01'::bytea || decode(repeat('ab', 1023), 'hex'), now() + interval '1 day', now() + interval '1 day',
       false, 0, sha256('manage'::bytea), NULL, false, 0
FROM generate_series(1, 200) AS g
ON CONFLICT (id) DO NOTHING;
