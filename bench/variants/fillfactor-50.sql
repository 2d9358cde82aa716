-- Measured and not adopted (docs/performance.md): half of every page of secrets kept free for the reveal's new row
-- version (a 1 KiB secret's row is about 1.2 KB; fillfactor 90 leaves 0.8 KB), so that every reveal is a HOT update.
ALTER TABLE secrets SET (fillfactor = 50);
