-- A reveal appends 'viewed' and, when that view was the last, 'burned' under one lock and one update of the audit
-- head, instead of two calls of secret_audit_append (docs/performance.md, "Tail latency"). Returns the seq of
-- 'viewed', or NULL when there is no head or the chain is closed. Same chain as two appends would make.
CREATE FUNCTION secret_audit_append_view(
    p_secret_id text, p_occurred_at timestamptz, p_views_remaining int, p_expires_at timestamptz, p_retention interval)
RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    head        secret_audit_heads%ROWTYPE;
    burned      boolean := coalesce(p_views_remaining = 0, false);
    viewed_seq  int;
    viewed_hash bytea;
    next_seq    int;
    next_hash   bytea;
BEGIN
    SELECT * INTO head FROM secret_audit_heads WHERE secret_id = p_secret_id FOR UPDATE;
    IF NOT FOUND OR head.closed THEN
        RETURN NULL;
    END IF;

    viewed_seq := head.last_seq + 1;
    viewed_hash := secret_event_hash(head.last_hash, p_secret_id, viewed_seq, 'viewed', p_occurred_at, p_views_remaining, NULL);
    INSERT INTO secret_events (secret_id, seq, type, occurred_at, views_remaining, detail, prev_hash, hash)
    VALUES (p_secret_id, viewed_seq, 'viewed', p_occurred_at, p_views_remaining, NULL, head.last_hash, viewed_hash);
    next_seq := viewed_seq;
    next_hash := viewed_hash;

    IF burned THEN
        next_seq := viewed_seq + 1;
        next_hash := secret_event_hash(viewed_hash, p_secret_id, next_seq, 'burned', p_occurred_at, 0, 'last_view');
        INSERT INTO secret_events (secret_id, seq, type, occurred_at, views_remaining, detail, prev_hash, hash)
        VALUES (p_secret_id, next_seq, 'burned', p_occurred_at, 0, 'last_view', viewed_hash, next_hash);
    END IF;

    UPDATE secret_audit_heads
    SET last_seq = next_seq, last_hash = next_hash, expires_at = p_expires_at, closed = burned,
        retain_until = CASE WHEN burned THEN p_occurred_at ELSE p_expires_at END + p_retention
    WHERE secret_id = p_secret_id;
    RETURN viewed_seq;
END
$$;
