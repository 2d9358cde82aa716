-- Measured and not adopted (docs/performance.md): small, frequent autovacuums of the three hot tables instead of one
-- large one per 20 % of dead rows. autovacuum_naptime (60 s, a server setting) still bounds how often each runs.
ALTER TABLE secrets SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 500,
                         autovacuum_vacuum_insert_scale_factor = 0.01, autovacuum_vacuum_insert_threshold = 500,
                         autovacuum_analyze_scale_factor = 0.05);
ALTER TABLE secret_audit_heads SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 500,
                                    autovacuum_vacuum_insert_scale_factor = 0.01, autovacuum_vacuum_insert_threshold = 500,
                                    autovacuum_analyze_scale_factor = 0.05);
ALTER TABLE secret_events SET (autovacuum_vacuum_insert_scale_factor = 0.01, autovacuum_vacuum_insert_threshold = 500,
                               autovacuum_analyze_scale_factor = 0.05);
