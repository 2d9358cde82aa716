-- Audit trail (docs/design.md, "Events"): per secret one head that outlives the secret until retain_until, and its
-- hash-chained events. No payload, token or client address is stored.
CREATE TABLE secret_audit_heads (
    secret_id    text        PRIMARY KEY,
    manage_hash  bytea       NOT NULL,          -- authorises receipts after the secret is gone
    last_seq     int         NOT NULL,
    last_hash    bytea       NOT NULL,          -- a truncated chain no longer ends here
    expires_at   timestamptz NOT NULL,          -- the secret's, to notice an expiry nobody recorded
    closed       boolean     NOT NULL DEFAULT false, -- a terminal event (deleted, burned, expired) was recorded
    retain_until timestamptz NOT NULL
) WITH (fillfactor = 90);

-- The cleanup worker deletes by retention.
CREATE INDEX ix_secret_audit_heads_retain_until ON secret_audit_heads (retain_until);

CREATE TABLE secret_events (
    secret_id       text        NOT NULL,
    seq             int         NOT NULL,
    type            text        NOT NULL,
    occurred_at     timestamptz NOT NULL,
    views_remaining int         NULL,
    detail          text        NULL,
    prev_hash       bytea       NOT NULL,
    hash            bytea       NOT NULL,
    PRIMARY KEY (secret_id, seq)
);

-- SHA-256(prev_hash || UTF-8 canonical bytes); EventChain.CanonicalBytes in C# must produce the same bytes.
CREATE FUNCTION secret_event_hash(prev_hash bytea, secret_id text, seq int, type text, occurred_at timestamptz, views_remaining int, detail text)
RETURNS bytea LANGUAGE sql STABLE AS $$
    SELECT sha256(prev_hash || convert_to(concat_ws(chr(10),
        'secretshare-event-v1', secret_id, seq::text, type, extract(epoch FROM occurred_at)::bigint::text,
        coalesce(views_remaining::text, ''), coalesce(detail, '')), 'UTF8'))
$$;

-- Appends one event to an open chain under the head's row lock and moves the head; returns the new seq, or NULL
-- when there is no head (rows from before this migration) or the chain is closed. Callers run it in the statement
-- or batch that makes the state change, so both commit or neither does.
CREATE FUNCTION secret_audit_append(
    p_secret_id text, p_type text, p_occurred_at timestamptz, p_views_remaining int, p_detail text,
    p_expires_at timestamptz, p_retention interval)
RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    head     secret_audit_heads%ROWTYPE;
    terminal boolean := p_type IN ('deleted', 'burned', 'expired');
    next_seq int;
    next_hash bytea;
BEGIN
    SELECT * INTO head FROM secret_audit_heads WHERE secret_id = p_secret_id FOR UPDATE;
    IF NOT FOUND OR head.closed THEN
        RETURN NULL;
    END IF;

    next_seq := head.last_seq + 1;
    next_hash := secret_event_hash(head.last_hash, p_secret_id, next_seq, p_type, p_occurred_at, p_views_remaining, p_detail);
    INSERT INTO secret_events (secret_id, seq, type, occurred_at, views_remaining, detail, prev_hash, hash)
    VALUES (p_secret_id, next_seq, p_type, p_occurred_at, p_views_remaining, p_detail, head.last_hash, next_hash);

    -- Retention runs from the end of the secret: its terminal event, or else its expiry.
    UPDATE secret_audit_heads
    SET last_seq = next_seq, last_hash = next_hash, expires_at = p_expires_at, closed = terminal,
        retain_until = CASE WHEN terminal THEN p_occurred_at ELSE p_expires_at END + p_retention
    WHERE secret_id = p_secret_id;
    RETURN next_seq;
END
$$;
