-- Requests (docs/design.md, "Requests"): the requester's public key and manage hash, and how many answers it takes.
-- Each answer is a row of secrets (same envelope, views, burn, expiry and cleanup) listed in request_answers.
CREATE TABLE requests (
    id           text        PRIMARY KEY,
    public_key   bytea       NOT NULL,
    manage_hash  bytea       NOT NULL,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    max_answers  int         NOT NULL CHECK (max_answers > 0),
    answers      int         NOT NULL DEFAULT 0 CHECK (answers <= max_answers),
    answer_views int         NOT NULL CHECK (answer_views > 0)
);

-- The cleanup worker deletes by expiry.
CREATE INDEX ix_requests_expires_at ON requests (expires_at);

CREATE TABLE request_answers (
    request_id    text        NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    seq           int         NOT NULL,
    secret_id     text        NOT NULL,
    ephemeral_key bytea       NOT NULL,
    answered_at   timestamptz NOT NULL,
    PRIMARY KEY (request_id, seq)
);

-- Takes one answer in one step: the conditional UPDATE locks the request's row, so racing senders are decided one
-- after the other (READ COMMITTED re-checks the condition on the row a racer committed), and the answer's secret,
-- its audit head, its 'created' event and its listing are written in the same call, or nothing is. No row: the
-- request is unknown, expired or has taken all its answers. (The output columns are named apart from the tables'
-- columns, which plpgsql would otherwise find ambiguous.)
CREATE FUNCTION request_answer(
    p_request_id text, p_now timestamptz, p_secret_id text, p_access_hash bytea, p_manage_hash bytea, p_ciphertext bytea,
    p_ephemeral_key bytea, p_retention interval)
RETURNS TABLE (answer_seq int, answer_expires_at timestamptz) LANGUAGE plpgsql AS $$
DECLARE
    r requests;
    h secret_audit_heads;
    genesis constant bytea := decode(repeat('00', 32), 'hex');
    key_id text := current_setting('secretshare.audit_key_id', true);
    pads bytea;
    created_hash bytea;
BEGIN
    UPDATE requests SET answers = answers + 1
    WHERE id = p_request_id AND answers < max_answers AND expires_at > p_now
    RETURNING * INTO r;
    IF NOT FOUND THEN
        RETURN;
    END IF;

    INSERT INTO secrets (id, access_hash, created_at, encrypted_data, expires_at, expires_at_limit, extendable, failed_attempts,
                         manage_hash, max_views, passphrase_protected, views)
    VALUES (p_secret_id, p_access_hash, p_now, p_ciphertext, r.expires_at, r.expires_at, false, 0, p_manage_hash, r.answer_views, false, 0);

    -- The answer's trail is keyed like every other (migration 0005): the batch set this secret's key material first.
    pads := secret_audit_pads(p_secret_id, key_id);
    IF pads IS NULL THEN
        RAISE EXCEPTION 'request_answer: this transaction holds no audit key';
    END IF;
    created_hash := secret_event_mac(pads, genesis, p_secret_id, 1, 'created', p_now, r.answer_views, NULL, key_id);
    INSERT INTO secret_audit_heads (secret_id, manage_hash, last_seq, last_hash, expires_at, retain_until, key_id)
    VALUES (p_secret_id, p_manage_hash, 1, created_hash, r.expires_at, r.expires_at + p_retention, key_id)
    RETURNING * INTO h;
    UPDATE secret_audit_heads SET head_mac = secret_head_mac(pads, h) WHERE secret_id = p_secret_id;
    INSERT INTO secret_events (secret_id, seq, type, occurred_at, views_remaining, detail, prev_hash, hash, key_id)
    VALUES (p_secret_id, 1, 'created', p_now, r.answer_views, NULL, genesis, created_hash, key_id);

    INSERT INTO request_answers (request_id, seq, secret_id, ephemeral_key, answered_at)
    VALUES (p_request_id, r.answers, p_secret_id, p_ephemeral_key, p_now);

    RETURN QUERY SELECT r.answers, r.expires_at;
END
$$;
