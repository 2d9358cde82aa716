-- The keyed chain of 0005 at the cost of the unkeyed one (docs/performance.md, issue 17). Two things made every
-- append slow, both per call: secret_audit_pads searched the list of all keys' pads with a regular expression, and
-- secret_folded_detail, declared IMMUTABLE over the STABLE concat_ws, could not be inlined, so each head MAC ran it as
-- a separate SQL function. Now the current key's pads arrive in a setting of their own (the list stays, for other
-- keys and for API instances that do not send the new setting yet, as during a rolling upgrade), the head's pads are
-- the current ones unless the keys were rotated since the head last moved, and the detail function is STABLE.

CREATE OR REPLACE FUNCTION secret_folded_detail(viewed int, extended int, failed_attempts int)
RETURNS text LANGUAGE sql STABLE AS $$
    SELECT concat_ws(' ',
        CASE WHEN viewed > 0 THEN 'viewed:' || viewed END,
        CASE WHEN extended > 0 THEN 'extended:' || extended END,
        CASE WHEN failed_attempts > 0 THEN 'failed_attempt:' || failed_attempts END)
$$;

CREATE OR REPLACE FUNCTION secret_audit_pads(p_secret_id text, p_key_id text)
RETURNS bytea LANGUAGE plpgsql STABLE AS $$
DECLARE
    current_pads text := current_setting('secretshare.audit_current_pads', true);
BEGIN
    IF current_setting('secretshare.audit_secret', true) IS DISTINCT FROM p_secret_id THEN
        RAISE EXCEPTION 'secret_audit_record: this transaction holds no audit key for the secret';
    END IF;
    IF current_pads <> '' AND p_key_id = current_setting('secretshare.audit_key_id', true) THEN
        RETURN decode(current_pads, 'hex');
    END IF;
    RETURN decode(substring(',' || current_setting('secretshare.audit_pads', true) FROM ',' || p_key_id || ':([0-9a-f]+)'), 'hex');
END
$$;

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

    -- The head was last moved under the current key unless the keys were rotated since: reuse the pads at hand.
    head_pads := CASE WHEN head.key_id = v_key_id THEN pads
                      WHEN head.key_id IS NOT NULL THEN secret_audit_pads(p_secret_id, head.key_id) END;
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
