-- One atomic decision per operation (docs/design.md, "Tokens and attempts"): reveal, extend and delete each lock the
-- secret's row, compare the token, and then either make the change or count the failed attempt, with their events,
-- in one function call, so no racing request can be compared between the comparison and the count.
-- Also: an absolute limit on a secret's lifetime that extend never passes, and a cap on the events one trail holds.

-- The latest expiry a secret can ever reach: created_at + the maximum lifetime for an extendable secret, its expiry
-- otherwise. Rows from before this migration get the default maximum lifetime (90 days).
ALTER TABLE secrets ADD COLUMN expires_at_limit timestamptz;
UPDATE secrets SET expires_at_limit = CASE WHEN extendable THEN greatest(expires_at, created_at + interval '90 days') ELSE expires_at END;
ALTER TABLE secrets ALTER COLUMN expires_at_limit SET NOT NULL;

-- Events that a full trail no longer appends one by one, counted by type until a 'folded' event records them.
ALTER TABLE secret_audit_heads
    ADD COLUMN folded_viewed int NOT NULL DEFAULT 0,
    ADD COLUMN folded_extended int NOT NULL DEFAULT 0,
    ADD COLUMN folded_failed_attempts int NOT NULL DEFAULT 0;

-- Appends up to two events of one state change under the head's row lock and moves the head once. A trail holds at
-- most 100 events (AuditTrail.MaxEvents in C#): a non-terminal event that would take one of the last two places is
-- counted on the head instead, and before the terminal event a 'folded' event records those counts, so a trail stays
-- append-only and bounded however often an unlimited secret is viewed or extended. Returns NULL when there is no head
-- or the chain is closed.
CREATE FUNCTION secret_audit_record(
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
    next_hash bytea;
    summary   text;
BEGIN
    SELECT * INTO head FROM secret_audit_heads WHERE secret_id = p_secret_id FOR UPDATE;
    IF NOT FOUND OR head.closed THEN
        RETURN NULL;
    END IF;

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
            summary := concat_ws(' ',
                CASE WHEN head.folded_viewed > 0 THEN 'viewed:' || head.folded_viewed END,
                CASE WHEN head.folded_extended > 0 THEN 'extended:' || head.folded_extended END,
                CASE WHEN head.folded_failed_attempts > 0 THEN 'failed_attempt:' || head.folded_failed_attempts END);
            next_hash := secret_event_hash(head.last_hash, p_secret_id, head.last_seq + 1, 'folded', p_occurred_at, views[i], summary);
            INSERT INTO secret_events (secret_id, seq, type, occurred_at, views_remaining, detail, prev_hash, hash)
            VALUES (p_secret_id, head.last_seq + 1, 'folded', p_occurred_at, views[i], summary, head.last_hash, next_hash);
            head.last_seq := head.last_seq + 1;
            head.last_hash := next_hash;
            head.folded_viewed := 0;
            head.folded_extended := 0;
            head.folded_failed_attempts := 0;
        END IF;

        next_hash := secret_event_hash(head.last_hash, p_secret_id, head.last_seq + 1, types[i], p_occurred_at, views[i], details[i]);
        INSERT INTO secret_events (secret_id, seq, type, occurred_at, views_remaining, detail, prev_hash, hash)
        VALUES (p_secret_id, head.last_seq + 1, types[i], p_occurred_at, views[i], details[i], head.last_hash, next_hash);
        head.last_seq := head.last_seq + 1;
        head.last_hash := next_hash;
    END LOOP;

    -- Retention runs from the end of the secret: its terminal event, or else its expiry.
    UPDATE secret_audit_heads
    SET last_seq = head.last_seq, last_hash = head.last_hash, expires_at = p_expires_at, closed = terminal,
        retain_until = CASE WHEN terminal THEN p_occurred_at ELSE p_expires_at END + p_retention,
        folded_viewed = head.folded_viewed, folded_extended = head.folded_extended,
        folded_failed_attempts = head.folded_failed_attempts
    WHERE secret_id = p_secret_id;
    RETURN head.last_seq;
END
$$;

-- The cleanup worker and a receipt's expiry record one event; both now fold like every other append.
CREATE OR REPLACE FUNCTION secret_audit_append(
    p_secret_id text, p_type text, p_occurred_at timestamptz, p_views_remaining int, p_detail text,
    p_expires_at timestamptz, p_retention interval)
RETURNS int LANGUAGE sql AS $$
    SELECT secret_audit_record(p_secret_id, p_occurred_at, p_expires_at, p_retention, p_type, p_views_remaining, p_detail)
$$;

DROP FUNCTION secret_audit_append_view(text, timestamptz, int, timestamptz, interval);

-- The decision's answer. outcome: 'granted', 'gone', 'wrong_token', 'not_extendable' or 'out_of_bounds';
-- attempts_remaining after a counted wrong token (NULL when not counted); the rest describes the secret after a
-- granted change.
CREATE TYPE secret_decision AS (
    outcome            text,
    attempts_remaining int,
    encrypted_data     bytea,
    created_at         timestamptz,
    expires_at         timestamptz,
    max_views          int,
    views              int,
    extendable         boolean,
    passphrase_protected boolean,
    deleted_by         text);

-- Whether a secret is live: not expired at p_now and a view left. Reads and decisions all ask this one function.
CREATE FUNCTION secret_is_live(s secrets, p_now timestamptz) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT s.expires_at > p_now AND (s.max_views IS NULL OR s.views < s.max_views)
$$;

-- The live secret, locked until the end of the transaction (racing decisions on it wait here and then see its new
-- state); a row of NULLs when it is gone.
CREATE FUNCTION secret_lock_live(p_id text, p_now timestamptz) RETURNS secrets LANGUAGE sql AS $$
    SELECT * FROM secrets s WHERE s.id = p_id AND secret_is_live(s, p_now) FOR UPDATE
$$;

-- A wrong token on a locked, live secret: counted only when the secret is passphrase-protected (otherwise the access
-- token has 256 bits and counting would only let anyone who saw the id destroy the secret); at the limit the secret is
-- deleted in the same transaction. Nothing resets the count: a secret survives MaxFailedAttempts wrong tokens in all,
-- not that many between two successful reveals.
CREATE FUNCTION secret_count_failure(s secrets, p_now timestamptz, p_max_failed int, p_retention interval)
RETURNS secret_decision LANGUAGE plpgsql AS $$
DECLARE
    result    secret_decision;
    failed    int := s.failed_attempts + 1;
BEGIN
    result.outcome := 'wrong_token';
    IF NOT s.passphrase_protected THEN
        RETURN result;
    END IF;

    result.attempts_remaining := greatest(0, p_max_failed - failed);
    IF failed >= p_max_failed THEN
        DELETE FROM secrets WHERE id = s.id;
        PERFORM secret_audit_record(s.id, p_now, s.expires_at, p_retention,
            'failed_attempt', s.max_views - s.views, NULL, 'burned', s.max_views - s.views, 'failed_attempts');
    ELSE
        UPDATE secrets SET failed_attempts = failed WHERE id = s.id;
        PERFORM secret_audit_record(s.id, p_now, s.expires_at, p_retention, 'failed_attempt', s.max_views - s.views, NULL);
    END IF;
    RETURN result;
END
$$;

-- Reveal: the row lock serialises racing reveals and wrong guesses; a view is taken only while the token matches, the
-- secret is live and a view is left; the last view deletes the row and appends 'viewed' and 'burned'.
CREATE FUNCTION secret_reveal(p_id text, p_token_hash bytea, p_now timestamptz, p_max_failed int, p_retention interval)
RETURNS secret_decision LANGUAGE plpgsql AS $$
DECLARE
    s      secrets%ROWTYPE;
    result secret_decision;
    burned boolean;
BEGIN
    s := secret_lock_live(p_id, p_now);
    IF s.id IS NULL THEN
        result.outcome := 'gone';
        RETURN result;
    END IF;

    IF s.access_hash <> p_token_hash THEN
        RETURN secret_count_failure(s, p_now, p_max_failed, p_retention);
    END IF;

    s.views := s.views + 1;
    burned := s.views >= s.max_views;
    IF burned THEN
        DELETE FROM secrets WHERE id = p_id;
        PERFORM secret_audit_record(p_id, p_now, s.expires_at, p_retention, 'viewed', 0, NULL, 'burned', 0, 'last_view');
    ELSE
        UPDATE secrets SET views = s.views WHERE id = p_id;
        PERFORM secret_audit_record(p_id, p_now, s.expires_at, p_retention, 'viewed', s.max_views - s.views, NULL);
    END IF;

    result.outcome := 'granted';
    result.encrypted_data := s.encrypted_data;
    result.expires_at := s.expires_at;
    result.max_views := s.max_views;
    result.views := s.views;
    RETURN result;
END
$$;

-- Extend: the token is compared before anything else, so a wrong token on a secret that is not extendable still
-- counts. The new expiry is expiry + p_add, but never past now + p_max_expires_in nor the secret's expires_at_limit;
-- an extension that would change nothing is out of bounds, as are views added to an unlimited secret or past the limit.
CREATE FUNCTION secret_extend(
    p_id text, p_token_hash bytea, p_now timestamptz, p_max_failed int, p_retention interval,
    p_add interval, p_add_views int, p_max_expires_in interval, p_views_limit int)
RETURNS secret_decision LANGUAGE plpgsql AS $$
DECLARE
    s        secrets%ROWTYPE;
    result   secret_decision;
    expires  timestamptz;
BEGIN
    s := secret_lock_live(p_id, p_now);
    IF s.id IS NULL THEN
        result.outcome := 'gone';
        RETURN result;
    END IF;

    IF s.access_hash <> p_token_hash THEN
        RETURN secret_count_failure(s, p_now, p_max_failed, p_retention);
    END IF;

    IF NOT s.extendable THEN
        result.outcome := 'not_extendable';
        RETURN result;
    END IF;

    expires := greatest(s.expires_at, least(s.expires_at + p_add, p_now + p_max_expires_in, s.expires_at_limit));
    IF (p_add_views > 0 AND (s.max_views IS NULL OR s.max_views + p_add_views > p_views_limit))
        OR (p_add_views = 0 AND expires = s.expires_at) THEN
        result.outcome := 'out_of_bounds';
        RETURN result;
    END IF;

    UPDATE secrets SET expires_at = expires, max_views = max_views + p_add_views
    WHERE id = p_id
    RETURNING * INTO s;
    PERFORM secret_audit_record(p_id, p_now, s.expires_at, p_retention, 'extended', s.max_views - s.views, NULL);

    result.outcome := 'granted';
    result.created_at := s.created_at;
    result.expires_at := s.expires_at;
    result.max_views := s.max_views;
    result.views := s.views;
    result.extendable := s.extendable;
    result.passphrase_protected := s.passphrase_protected;
    RETURN result;
END
$$;

-- Delete with the manage token (the creator) or the access token (a recipient).
CREATE FUNCTION secret_delete(p_id text, p_token_hash bytea, p_now timestamptz, p_max_failed int, p_retention interval)
RETURNS secret_decision LANGUAGE plpgsql AS $$
DECLARE
    s      secrets%ROWTYPE;
    result secret_decision;
BEGIN
    s := secret_lock_live(p_id, p_now);
    IF s.id IS NULL THEN
        result.outcome := 'gone';
        RETURN result;
    END IF;

    IF s.access_hash <> p_token_hash AND s.manage_hash <> p_token_hash THEN
        RETURN secret_count_failure(s, p_now, p_max_failed, p_retention);
    END IF;

    result.deleted_by := CASE WHEN s.manage_hash = p_token_hash THEN 'creator' ELSE 'recipient' END;
    DELETE FROM secrets WHERE id = p_id;
    PERFORM secret_audit_record(p_id, p_now, s.expires_at, p_retention, 'deleted', s.max_views - s.views, result.deleted_by);
    result.outcome := 'granted';
    RETURN result;
END
$$;
