using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SecretShare.Storage.Secrets;

/// <summary>The verdict on one audit trail: whether every link holds, and if not, the first that does not.</summary>
public sealed record ChainVerdict(bool Verified, string? Problem)
{
    public static ChainVerdict Ok { get; } = new(true, null);

    public static ChainVerdict Broken(string problem) => new(false, problem);
}

/// <summary>
/// The hash chain over a secret's events. Event n stores <c>prev_hash</c> = hash of event n-1 (32 zero bytes for
/// event 1) and <c>hash = SHA-256(prev_hash || canonical bytes)</c>, where the canonical bytes are the UTF-8 of
/// <c>"secretshare-event-v1\n{secret_id}\n{seq}\n{type}\n{occurred_at}\n{views_remaining}\n{detail}"</c>: seq and
/// occurred_at (Unix seconds) in invariant decimal, absent values as empty strings. PostgreSQL computes the same
/// bytes in <c>secret_event_hash</c> (migration 0002); both must stay identical.
/// </summary>
public static class EventChain
{
    public static byte[] Genesis { get; } = new byte[32];

    public static byte[] CanonicalBytes(string secretId, int seq, string type, DateTimeOffset occurredAt, int? viewsRemaining, string? detail) =>
        Encoding.UTF8.GetBytes(string.Join(
            '\n',
            "secretshare-event-v1",
            secretId,
            seq.ToString(CultureInfo.InvariantCulture),
            type,
            occurredAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            viewsRemaining?.ToString(CultureInfo.InvariantCulture) ?? "",
            detail ?? ""));

    public static byte[] ComputeHash(byte[] prevHash, string secretId, int seq, string type, DateTimeOffset occurredAt, int? viewsRemaining, string? detail) =>
        SHA256.HashData([.. prevHash, .. CanonicalBytes(secretId, seq, type, occurredAt, viewsRemaining, detail)]);

    /// <summary>The event that follows <paramref name="previous"/> (seq and hash of the last link).</summary>
    public static SecretEvent Next(
        string secretId, (int Seq, byte[] Hash) previous, string type, DateTimeOffset occurredAt, int? viewsRemaining, string? detail = null)
    {
        var seq = previous.Seq + 1;
        return new SecretEvent(
            secretId, seq, type, occurredAt, viewsRemaining, detail, previous.Hash,
            ComputeHash(previous.Hash, secretId, seq, type, occurredAt, viewsRemaining, detail));
    }

    /// <summary>
    /// The events that one state change appends to the trail of <paramref name="head"/>, with the head's new last link
    /// and folded counts: a non-terminal event that would take one of the last two places of
    /// <see cref="AuditTrail.MaxEvents"/> is counted instead, and a terminal event is preceded by a <c>folded</c> event
    /// when anything was counted. The same rule as <c>secret_audit_record</c> (migration 0004).
    /// </summary>
    public static AppendPlan Append(AuditHead head, DateTimeOffset occurredAt, params EventDraft[] drafts)
    {
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

        return new AppendPlan(events, link.Seq, link.Hash, folded);

        void Add(string type, int? viewsRemaining, string? detail)
        {
            var next = Next(head.SecretId, link, type, occurredAt, viewsRemaining, detail);
            events.Add(next);
            link = (next.Seq, next.Hash);
        }
    }

    /// <summary>Checks that the events run 1..n without gaps, each hash is right, each links to the one before, and the head names the last.</summary>
    public static ChainVerdict Verify(AuditTrail trail)
    {
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

            if (!CryptographicOperations.FixedTimeEquals(e.Hash, ComputeHash(e.PrevHash, trail.Head.SecretId, e.Seq, e.Type, e.OccurredAt, e.ViewsRemaining, e.Detail)))
            {
                return ChainVerdict.Broken($"Event {e.Seq} does not match its hash: its content was changed.");
            }

            link = (e.Seq, e.Hash);
        }

        if (link.Seq != trail.Head.LastSeq)
        {
            return ChainVerdict.Broken($"The chain ends at event {link.Seq}, but {trail.Head.LastSeq} events were recorded.");
        }

        return CryptographicOperations.FixedTimeEquals(link.Hash, trail.Head.LastHash)
            ? ChainVerdict.Ok
            : ChainVerdict.Broken($"Event {link.Seq} is not the last event that was recorded.");
    }
}

/// <summary>An event to append: its type, the views left after the change, and its detail.</summary>
public sealed record EventDraft(string Type, int? ViewsRemaining, string? Detail = null);

/// <summary>What <see cref="EventChain.Append"/> planned: the events to write and the head's new state.</summary>
public sealed record AppendPlan(IReadOnlyList<SecretEvent> Events, int LastSeq, byte[] LastHash, FoldedEvents Folded);
