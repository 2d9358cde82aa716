-- Half of every page of secrets stays free for the reveal's new row version: a 1 KiB secret's row is about 1.2 KB,
-- more than the 10 % that fillfactor 90 left, so a quarter of reveals were not HOT updates (new entries in both
-- indexes, dead rows that only vacuum reclaims). At 50 every reveal is HOT and page pruning reclaims the old versions:
-- after the same 25,000 lifecycles the table is 3-4 MB instead of 47-64 MB, at the same throughput (A/B in
-- docs/performance.md). Rows are short-lived, so the space costs little. Applies to pages written from now on.
ALTER TABLE secrets SET (fillfactor = 50);
