-- Keyed audit chain (docs/design.md, "Audit keys"): every event's hash and the head's MAC are HMAC-SHA256 under the
-- secret's chain key K_s, which only the API holds. The key never reaches a table: each statement that appends gets
-- K_s's two HMAC pads (RFC 2104) as a parameter, and the HMAC is built from the built-in sha256(), so no extension
-- is needed. Events and heads written before this migration have no key id and report as unverifiable.
ALTER TABLE secret_events ADD COLUMN key_id text NULL;
ALTER TABLE secret_audit_heads ADD COLUMN key_id text NULL, ADD COLUMN head_mac bytea NULL;

-- p_pads = (K_s XOR 0x36..) || (K_s XOR 0x5c..), 64 bytes each: HMAC(K_s, m) = sha256(opad || sha256(ipad || m)).
CREATE FUNCTION secret_hmac(p_pads bytea, message bytea)
RETURNS bytea LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT sha256(substring(p_pads FROM 65 FOR 64) || sha256(substring(p_pads FROM 1 FOR 64) || message))
$$;

-- EventChain.CanonicalBytes and ComputeHash in C# must produce the same bytes.
CREATE FUNCTION secret_event_mac(
    p_pads bytea, prev_hash bytea, secret_id text, seq int, type text, occurred_at timestamptz, views_remaining int, detail text, key_id text)
RETURNS bytea LANGUAGE sql STABLE AS $$
    SELECT secret_hmac(p_pads, prev_hash || convert_to(concat_ws(chr(10),
        'secretshare-event-v2', secret_id, seq::text, type, extract(epoch FROM occurred_at)::bigint::text,
        coalesce(views_remaining::text, ''), coalesce(detail, ''), key_id), 'UTF8'))
$$;

-- EventChain.HeadBytes and ComputeHeadMac in C# must produce the same bytes.
CREATE FUNCTION secret_head_mac(
    p_pads bytea, secret_id text, last_seq int, last_hash bytea, closed boolean, expires_at timestamptz, key_id text)
RETURNS bytea LANGUAGE sql STABLE AS $$
    SELECT secret_hmac(p_pads, convert_to(concat_ws(chr(10),
        'secretshare-head-v1', secret_id, last_seq::text, encode(last_hash, 'hex'), CASE WHEN closed THEN 'closed' ELSE 'open' END,
        extract(epoch FROM expires_at)::bigint::text, key_id), 'UTF8'))
$$;

-- As in 0002, keyed: appends one event to an open chain under the head's row lock and moves the head.
DROP FUNCTION secret_audit_append(text, text, timestamptz, int, text, timestamptz, interval);
CREATE FUNCTION secret_audit_append(
    p_secret_id text, p_type text, p_occurred_at timestamptz, p_views_remaining int, p_detail text,
    p_expires_at timestamptz, p_retention interval, p_pads bytea, p_key_id text)
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
    next_hash := secret_event_mac(p_pads, head.last_hash, p_secret_id, next_seq, p_type, p_occurred_at, p_views_remaining, p_detail, p_key_id);
    INSERT INTO secret_events (secret_id, seq, type, occurred_at, views_remaining, detail, prev_hash, hash, key_id)
    VALUES (p_secret_id, next_seq, p_type, p_occurred_at, p_views_remaining, p_detail, head.last_hash, next_hash, p_key_id);

    -- Retention runs from the end of the secret: its terminal event, or else its expiry.
    UPDATE secret_audit_heads
    SET last_seq = next_seq, last_hash = next_hash, expires_at = p_expires_at, closed = terminal,
        retain_until = CASE WHEN terminal THEN p_occurred_at ELSE p_expires_at END + p_retention,
        key_id = p_key_id, head_mac = secret_head_mac(p_pads, p_secret_id, next_seq, next_hash, terminal, p_expires_at, p_key_id)
    WHERE secret_id = p_secret_id;
    RETURN next_seq;
END
$$;

-- As in 0003, keyed: 'viewed' and, after the last view, 'burned' under one lock and one update of the head.
DROP FUNCTION secret_audit_append_view(text, timestamptz, int, timestamptz, interval);
CREATE FUNCTION secret_audit_append_view(
    p_secret_id text, p_occurred_at timestamptz, p_views_remaining int, p_expires_at timestamptz, p_retention interval,
    p_pads bytea, p_key_id text)
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
    viewed_hash := secret_event_mac(p_pads, head.last_hash, p_secret_id, viewed_seq, 'viewed', p_occurred_at, p_views_remaining, NULL, p_key_id);
    INSERT INTO secret_events (secret_id, seq, type, occurred_at, views_remaining, detail, prev_hash, hash, key_id)
    VALUES (p_secret_id, viewed_seq, 'viewed', p_occurred_at, p_views_remaining, NULL, head.last_hash, viewed_hash, p_key_id);
    next_seq := viewed_seq;
    next_hash := viewed_hash;

    IF burned THEN
        next_seq := viewed_seq + 1;
        next_hash := secret_event_mac(p_pads, viewed_hash, p_secret_id, next_seq, 'burned', p_occurred_at, 0, 'last_view', p_key_id);
        INSERT INTO secret_events (secret_id, seq, type, occurred_at, views_remaining, detail, prev_hash, hash, key_id)
        VALUES (p_secret_id, next_seq, 'burned', p_occurred_at, 0, 'last_view', viewed_hash, next_hash, p_key_id);
    END IF;

    UPDATE secret_audit_heads
    SET last_seq = next_seq, last_hash = next_hash, expires_at = p_expires_at, closed = burned,
        retain_until = CASE WHEN burned THEN p_occurred_at ELSE p_expires_at END + p_retention,
        key_id = p_key_id, head_mac = secret_head_mac(p_pads, p_secret_id, next_seq, next_hash, burned, p_expires_at, p_key_id)
    WHERE secret_id = p_secret_id;
    RETURN viewed_seq;
END
$$;

-- The unkeyed hash of 0002 has no caller left.
DROP FUNCTION secret_event_hash(bytea, text, int, text, timestamptz, int, text);
