using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SecretShare.Storage.Audit;

namespace SecretShare.Storage.Secrets;

/// <summary>The verdict on one audit trail: whether every link holds, and if not, the first that does not.</summary>
public sealed record ChainVerdict(bool Verified, string? Problem)
{
    public static ChainVerdict Ok { get; } = new(true, null);

    public static ChainVerdict Broken(string problem) => new(false, problem);
}

/// <summary>
/// The keyed chain over a secret's events (docs/design.md, "Audit keys"). Event n stores <c>prev_hash</c> = hash of
/// event n-1 (32 zero bytes for event 1), the id of the audit key it was recorded under, and
/// <c>hash = HMAC-SHA256(K_s, prev_hash || canonical bytes)</c>, where <c>K_s</c> is that key's chain key for this
/// secret (<see cref="AuditKey.ChainKeyFor"/>) and the canonical bytes are the UTF-8 of
/// <c>"secretshare-event-v2\n{secret_id}\n{seq}\n{type}\n{occurred_at}\n{views_remaining}\n{detail}\n{key_id}"</c>: seq
/// and occurred_at (Unix seconds) in invariant decimal, absent values as empty strings. The audit head carries
/// <c>HMAC-SHA256(K_s, "secretshare-head-v1\n{secret_id}\n{last_seq}\n{hex(last_hash)}\n{open|closed}\n{expires_at}\n{folded}\n{key_id}")</c>,
/// so that a head rewound to an earlier event (a cut tail) no longer verifies. Whoever writes to the database without
/// the service key can neither recompute a link nor the head. PostgreSQL computes the same bytes in
/// <c>secret_event_mac</c> and <c>secret_head_mac</c> (migration 0005); all must stay identical.
/// </summary>
public static class EventChain
{
    public static byte[] Genesis { get; } = new byte[32];

    public static byte[] CanonicalBytes(string secretId, int seq, string type, DateTimeOffset occurredAt, int? viewsRemaining, string? detail, string keyId) =>
        Encoding.UTF8.GetBytes(string.Join(
            '\n',
            "secretshare-event-v2",
            secretId,
            seq.ToString(CultureInfo.InvariantCulture),
            type,
            occurredAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            viewsRemaining?.ToString(CultureInfo.InvariantCulture) ?? "",
            detail ?? "",
            keyId));

    public static byte[] HeadBytes(string secretId, int lastSeq, byte[] lastHash, bool closed, DateTimeOffset expiresAt, FoldedEvents folded, string keyId) =>
        Encoding.UTF8.GetBytes(string.Join(
            '\n',
            "secretshare-head-v1",
            secretId,
            lastSeq.ToString(CultureInfo.InvariantCulture),
            Convert.ToHexStringLower(lastHash),
            closed ? "closed" : "open",
            expiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            folded.Detail,
            keyId));

    public static byte[] ComputeHash(AuditKey key, byte[] prevHash, string secretId, int seq, string type, DateTimeOffset occurredAt, int? viewsRemaining, string? detail) =>
        HMACSHA256.HashData(key.ChainKeyFor(secretId), (byte[])[.. prevHash, .. CanonicalBytes(secretId, seq, type, occurredAt, viewsRemaining, detail, key.Id)]);

    public static byte[] ComputeHeadMac(AuditKey key, string secretId, int lastSeq, byte[] lastHash, bool closed, DateTimeOffset expiresAt, FoldedEvents folded) =>
        HMACSHA256.HashData(key.ChainKeyFor(secretId).AsSpan(), HeadBytes(secretId, lastSeq, lastHash, closed, expiresAt, folded, key.Id));

    /// <summary>
    /// Whether the head's MAC holds under the key it names, checked before anything is appended (after a rotation the
    /// head still names the old key). A head keyed with a key no longer configured cannot be checked: it fails.
    /// </summary>
    public static bool HeadMacHolds(AuditKeyRing keys, AuditHead head) =>
        head.Mac is { } mac && keys.Find(head.KeyId) is { } key && CryptographicOperations.FixedTimeEquals(
            mac, ComputeHeadMac(key, head.SecretId, head.LastSeq, head.LastHash, head.Closed, head.ExpiresAt, head.Folded));

    /// <summary>
    /// HMAC-SHA256's two padded keys for one secret (RFC 2104: K_s XOR 0x36.., then K_s XOR 0x5c.., 64 bytes each), the
    /// form in which PostgreSQL gets the key: it computes the HMAC with its built-in sha256(), needing no extension.
    /// Only this secret's chain key leaves the process, never the service key.
    /// </summary>
    public static byte[] SqlPads(AuditKey key, string secretId)
    {
        var pads = new byte[128];
        var chainKey = key.ChainKeyFor(secretId);
        for (var i = 0; i < 64; i++)
        {
            var k = i < chainKey.Length ? chainKey[i] : (byte)0;
            pads[i] = (byte)(k ^ 0x36);
            pads[64 + i] = (byte)(k ^ 0x5c);
        }

        CryptographicOperations.ZeroMemory(chainKey);
        return pads;
    }

    /// <summary>The event that follows <paramref name="previous"/> (seq and hash of the last link), keyed with <paramref name="key"/>.</summary>
    public static SecretEvent Next(
        AuditKey key, string secretId, (int Seq, byte[] Hash) previous, string type, DateTimeOffset occurredAt, int? viewsRemaining, string? detail = null)
    {
        var seq = previous.Seq + 1;
        return new SecretEvent(
            secretId, seq, type, occurredAt, viewsRemaining, detail, previous.Hash,
            ComputeHash(key, previous.Hash, secretId, seq, type, occurredAt, viewsRemaining, detail), key.Id);
    }

    /// <summary>
    /// The events that one state change appends to the trail of <paramref name="head"/>, with the head's new last link
    /// and folded counts: a non-terminal event that would take one of the last two places of
    /// <see cref="AuditTrail.MaxEvents"/> is counted instead, and a terminal event is preceded by a <c>folded</c> event
    /// when anything was counted. The same rule as <c>secret_audit_record</c> (migrations 0004 and 0005), keyed with
    /// the current key; the head's new MAC as well, unless its present MAC does not hold.
    /// </summary>
    public static AppendPlan Append(AuditKeyRing keys, AuditHead head, DateTimeOffset occurredAt, DateTimeOffset expiresAt, params EventDraft[] drafts)
    {
        var key = keys.Current;
        var events = new List<SecretEvent>();
        var link = (Seq: head.LastSeq, Hash: head.LastHash);
        var folded = head.Folded;
        foreach (var draft in drafts)
        {
            var terminal = SecretEventTypes.IsTerminal(draft.Type);
            if (!terminal && link.Seq >= AuditTrail.MaxEvents - 2)
            {
                folded = folded.Add(draft.Type);
                continue;
            }

            if (terminal && folded.Any)
            {
                Add(SecretEventTypes.Folded, draft.ViewsRemaining, folded.Detail);
                folded = FoldedEvents.None;
            }

            Add(draft.Type, draft.ViewsRemaining, draft.Detail);
        }

        // A head that someone changed is not vouched for again: it stays without a valid MAC, so the change shows.
        var closed = drafts.Length > 0 && SecretEventTypes.IsTerminal(drafts[^1].Type);
        var mac = HeadMacHolds(keys, head)
            ? ComputeHeadMac(key, head.SecretId, link.Seq, link.Hash, closed, expiresAt, folded)
            : new byte[32];
        return new AppendPlan(events, link.Seq, link.Hash, folded, key.Id, mac);

        void Add(string type, int? viewsRemaining, string? detail)
        {
            var next = Next(key, head.SecretId, link, type, occurredAt, viewsRemaining, detail);
            events.Add(next);
            link = (next.Seq, next.Hash);
        }
    }

    /// <summary>
    /// Checks that the events run 1..n without gaps, each links to the one before, each hash is the keyed hash of its
    /// content under the key it names, and the head (its MAC included) names the last. A key that is not configured
    /// (any more) cannot vouch for anything: its events do not verify.
    /// </summary>
    public static ChainVerdict Verify(AuditTrail trail, AuditKeyRing keys)
    {
        var id = trail.Head.SecretId;
        var link = (Seq: 0, Hash: Genesis);
        foreach (var e in trail.Events)
        {
            if (e.Seq != link.Seq + 1)
            {
                return ChainVerdict.Broken($"Event {link.Seq + 1} is missing (found event {e.Seq} next).");
            }

            if (!CryptographicOperations.FixedTimeEquals(e.PrevHash, link.Hash))
            {
                return ChainVerdict.Broken($"Event {e.Seq} does not link to event {link.Seq}: events were changed, removed or reordered.");
            }

            if (KeyOf(keys, e.KeyId, $"Event {e.Seq}") is { } missing)
            {
                return missing;
            }

            if (!CryptographicOperations.FixedTimeEquals(e.Hash, ComputeHash(keys.Find(e.KeyId)!, e.PrevHash, id, e.Seq, e.Type, e.OccurredAt, e.ViewsRemaining, e.Detail)))
            {
                return ChainVerdict.Broken($"Event {e.Seq} does not match its keyed hash: it was changed or written without the service key.");
            }

            link = (e.Seq, e.Hash);
        }

        var head = trail.Head;
        if (link.Seq != head.LastSeq)
        {
            return ChainVerdict.Broken($"The chain ends at event {link.Seq}, but {head.LastSeq} events were recorded.");
        }

        if (!CryptographicOperations.FixedTimeEquals(link.Hash, head.LastHash))
        {
            return ChainVerdict.Broken($"Event {link.Seq} is not the last event that was recorded.");
        }

        if (KeyOf(keys, head.KeyId, "The audit head") is { } headKeyMissing)
        {
            return headKeyMissing;
        }

        return HeadMacHolds(keys, head)
            ? ChainVerdict.Ok
            : ChainVerdict.Broken($"The audit head (event {head.LastSeq}) does not match its keyed hash: the trail was cut back or changed.");
    }

    private static ChainVerdict? KeyOf(AuditKeyRing keys, string? keyId, string what) => keyId switch
    {
        null => ChainVerdict.Broken($"{what} was recorded before trails were keyed: nothing proves it was not rewritten."),
        _ when keys.Find(keyId) is null => ChainVerdict.Broken($"{what} was recorded under the audit key '{keyId}', which is not configured."),
        _ => null,
    };
}

/// <summary>An event to append: its type, the views left after the change, and its detail.</summary>
public sealed record EventDraft(string Type, int? ViewsRemaining, string? Detail = null);

/// <summary>What <see cref="EventChain.Append"/> planned: the events to write and the head's new state, MAC included.</summary>
public sealed record AppendPlan(IReadOnlyList<SecretEvent> Events, int LastSeq, byte[] LastHash, FoldedEvents Folded, string KeyId, byte[] HeadMac);
