-- Keyed audit chain (docs/design.md, "Audit keys"): every event's hash and the head's MAC are HMAC-SHA256 under the
-- secret's chain key K_s, which only the API can derive. No key is ever stored in a table: the transaction that
-- changes a secret first sets, with set_config(..., is_local => true), the secret's id, the current key id and, per
-- configured key, K_s's two HMAC pads (RFC 2104); secret_audit_record reads them, and the HMAC is built from the
-- built-in sha256(), so no extension is needed. Events and heads from before this migration have no key id and
-- report as unverifiable.
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

-- FoldedEvents.Detail in C#: 'viewed:N extended:N failed_attempt:N' without zeros (the summary of migration 0004).
CREATE FUNCTION secret_folded_detail(viewed int, extended int, failed_attempts int)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT concat_ws(' ',
        CASE WHEN viewed > 0 THEN 'viewed:' || viewed END,
        CASE WHEN extended > 0 THEN 'extended:' || extended END,
        CASE WHEN failed_attempts > 0 THEN 'failed_attempt:' || failed_attempts END)
$$;

-- EventChain.HeadBytes and ComputeHeadMac in C# must produce the same bytes.
CREATE FUNCTION secret_head_mac(p_pads bytea, h secret_audit_heads)
RETURNS bytea LANGUAGE sql STABLE AS $$
    SELECT secret_hmac(p_pads, convert_to(concat_ws(chr(10),
        'secretshare-head-v1', h.secret_id, h.last_seq::text, encode(h.last_hash, 'hex'), CASE WHEN h.closed THEN 'closed' ELSE 'open' END,
        extract(epoch FROM h.expires_at)::bigint::text,
        secret_folded_detail(h.folded_viewed, h.folded_extended, h.folded_failed_attempts), h.key_id), 'UTF8'))
$$;

-- The pads of p_key_id for this transaction's secret, or NULL when that key is not configured. Refuses a transaction
-- that set the key for another secret, so that no event is ever keyed for the wrong trail.
CREATE FUNCTION secret_audit_pads(p_secret_id text, p_key_id text)
RETURNS bytea LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF current_setting('secretshare.audit_secret', true) IS DISTINCT FROM p_secret_id THEN
        RAISE EXCEPTION 'secret_audit_record: this transaction holds no audit key for the secret';
    END IF;
    RETURN decode(substring(',' || current_setting('secretshare.audit_pads', true) FROM ',' || p_key_id || ':([0-9a-f]+)'), 'hex');
END
$$;

-- As in 0004 (folding, one head update), keyed: each event under the current key; the head's MAC only when the MAC it
-- had holds under the key it names, so that a head someone changed is never vouched for again (32 zero bytes instead).
CREATE OR REPLACE FUNCTION secret_audit_record(
    p_secret_id text, p_occurred_at timestamptz, p_expires_at timestamptz, p_retention interval,
    p_type text, p_views_remaining int, p_detail text,
    p_then_type text DEFAULT NULL, p_then_views_remaining int DEFAULT NULL, p_then_detail text DEFAULT NULL)
RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    head      secret_audit_heads%ROWTYPE;
    types     text[] := ARRAY[p_type, p_then_type];
    views     int[] := ARRAY[p_views_remaining, p_then_views_remaining];
    details   text[] := ARRAY[p_detail, p_then_detail];
    terminal  boolean := false;
    v_key_id  text := current_setting('secretshare.audit_key_id', true);
    pads      bytea := secret_audit_pads(p_secret_id, v_key_id);
    head_pads bytea;
    holds     boolean;
    next_hash bytea;
    summary   text;
BEGIN
    IF pads IS NULL THEN
        RAISE EXCEPTION 'secret_audit_record: no audit key for this transaction';
    END IF;

    SELECT * INTO head FROM secret_audit_heads h WHERE h.secret_id = p_secret_id FOR UPDATE;
    IF NOT FOUND OR head.closed THEN
        RETURN NULL;
    END IF;

    head_pads := CASE WHEN head.key_id IS NOT NULL THEN secret_audit_pads(p_secret_id, head.key_id) END;
    holds := coalesce(head.head_mac = secret_head_mac(head_pads, head), false);

    FOR i IN 1..2 LOOP
        CONTINUE WHEN types[i] IS NULL;
        terminal := types[i] IN ('deleted', 'burned', 'expired');
        IF NOT terminal AND head.last_seq >= 98 THEN
            CASE types[i]
                WHEN 'viewed' THEN head.folded_viewed := head.folded_viewed + 1;
                WHEN 'extended' THEN head.folded_extended := head.folded_extended + 1;
                ELSE head.folded_failed_attempts := head.folded_failed_attempts + 1;
            END CASE;
            CONTINUE;
        END IF;

        IF terminal AND head.folded_viewed + head.folded_extended + head.folded_failed_attempts > 0 THEN
            summary := secret_folded_detail(head.folded_viewed, head.folded_extended, head.folded_failed_attempts);
            next_hash := secret_event_mac(pads, head.last_hash, p_secret_id, head.last_seq + 1, 'folded', p_occurred_at, views[i], summary, v_key_id);
            INSERT INTO secret_events (secret_id, seq, type, occurred_at, views_remaining, detail, prev_hash, hash, key_id)
            VALUES (p_secret_id, head.last_seq + 1, 'folded', p_occurred_at, views[i], summary, head.last_hash, next_hash, v_key_id);
            head.last_seq := head.last_seq + 1;
            head.last_hash := next_hash;
            head.folded_viewed := 0;
            head.folded_extended := 0;
            head.folded_failed_attempts := 0;
        END IF;

        next_hash := secret_event_mac(pads, head.last_hash, p_secret_id, head.last_seq + 1, types[i], p_occurred_at, views[i], details[i], v_key_id);
        INSERT INTO secret_events (secret_id, seq, type, occurred_at, views_remaining, detail, prev_hash, hash, key_id)
        VALUES (p_secret_id, head.last_seq + 1, types[i], p_occurred_at, views[i], details[i], head.last_hash, next_hash, v_key_id);
        head.last_seq := head.last_seq + 1;
        head.last_hash := next_hash;
    END LOOP;

    -- Retention runs from the end of the secret: its terminal event, or else its expiry.
    head.expires_at := p_expires_at;
    head.closed := terminal;
    head.key_id := v_key_id;
    UPDATE secret_audit_heads h
    SET last_seq = head.last_seq, last_hash = head.last_hash, expires_at = p_expires_at, closed = terminal,
        retain_until = CASE WHEN terminal THEN p_occurred_at ELSE p_expires_at END + p_retention,
        folded_viewed = head.folded_viewed, folded_extended = head.folded_extended,
        folded_failed_attempts = head.folded_failed_attempts,
        key_id = head.key_id, head_mac = CASE WHEN holds THEN secret_head_mac(pads, head) ELSE '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea END
    WHERE h.secret_id = p_secret_id;
    RETURN head.last_seq;
END
$$;

-- The unkeyed hash of 0002 has no caller left; nothing may append an unkeyed event.
DROP FUNCTION secret_event_hash(bytea, text, int, text, timestamptz, int, text);
