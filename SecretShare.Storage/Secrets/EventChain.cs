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
/// <c>HMAC-SHA256(K_s, "secretshare-head-v1\n{secret_id}\n{last_seq}\n{hex(last_hash)}\n{open|closed}\n{expires_at}\n{key_id}")</c>,
/// so that a head rewound to an earlier event (a cut tail) no longer verifies. Whoever writes to the database without
/// the service key can neither recompute a link nor the head. PostgreSQL computes the same bytes in
/// <c>secret_event_mac</c> and <c>secret_head_mac</c> (migration 0004); all must stay identical.
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

    public static byte[] HeadBytes(string secretId, int lastSeq, byte[] lastHash, bool closed, DateTimeOffset expiresAt, string keyId) =>
        Encoding.UTF8.GetBytes(string.Join(
            '\n',
            "secretshare-head-v1",
            secretId,
            lastSeq.ToString(CultureInfo.InvariantCulture),
            Convert.ToHexStringLower(lastHash),
            closed ? "closed" : "open",
            expiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            keyId));

    public static byte[] ComputeHash(AuditKey key, byte[] prevHash, string secretId, int seq, string type, DateTimeOffset occurredAt, int? viewsRemaining, string? detail) =>
        HMACSHA256.HashData(key.ChainKeyFor(secretId), (byte[])[.. prevHash, .. CanonicalBytes(secretId, seq, type, occurredAt, viewsRemaining, detail, key.Id)]);

    public static byte[] ComputeHeadMac(AuditKey key, string secretId, int lastSeq, byte[] lastHash, bool closed, DateTimeOffset expiresAt) =>
        HMACSHA256.HashData(key.ChainKeyFor(secretId).AsSpan(), HeadBytes(secretId, lastSeq, lastHash, closed, expiresAt, key.Id));

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

        return head.Mac is { } mac && CryptographicOperations.FixedTimeEquals(
            mac, ComputeHeadMac(keys.Find(head.KeyId)!, id, head.LastSeq, head.LastHash, head.Closed, head.ExpiresAt))
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
