-- A/B: the secrets table as before migration 0004 (fillfactor 90).
ALTER TABLE secrets SET (fillfactor = 90);
