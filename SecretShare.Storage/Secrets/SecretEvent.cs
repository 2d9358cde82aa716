namespace SecretShare.Storage.Secrets;

/// <summary>The state changes a secret's audit trail records (docs/design.md, "Events").</summary>
public static class SecretEventTypes
{
    public const string Created = "created";
    public const string Viewed = "viewed";
    public const string FailedAttempt = "failed_attempt";
    public const string Extended = "extended";
    public const string Deleted = "deleted";
    public const string Burned = "burned";
    public const string Expired = "expired";

    /// <summary>Records the events a full trail counted instead of appending (<see cref="FoldedEvents"/>).</summary>
    public const string Folded = "folded";

    /// <summary>An event after which nothing more can happen to the secret.</summary>
    public static bool IsTerminal(string type) => type is Deleted or Burned or Expired;
}

/// <summary>The <c>detail</c> of an event: who deleted, why it burned, who noticed the expiry.</summary>
public static class SecretEventDetails
{
    public const string Creator = "creator";
    public const string Recipient = "recipient";
    public const string LastView = "last_view";
    public const string FailedAttempts = "failed_attempts";
    public const string Cleanup = "cleanup";
    public const string Receipt = "receipt";
}

/// <summary>
/// One recorded state change: no payload, token or client address. <paramref name="Hash"/> is HMAC-SHA256 under the
/// audit key <paramref name="KeyId"/> over <paramref name="PrevHash"/> and the event's canonical bytes (<see cref="EventChain"/>).
/// </summary>
public sealed record SecretEvent(
    string SecretId, int Seq, string Type, DateTimeOffset OccurredAt, int? ViewsRemaining, string? Detail, byte[] PrevHash, byte[] Hash,
    string? KeyId = null);

/// <summary>
/// The per-secret record that outlives the secret until its retention ends: the manage token's hash (to authorise
/// receipts), the chain's last link, so a truncated chain is noticed, and the events a full trail counted instead of
/// appending; <paramref name="Mac"/> under the audit key <paramref name="KeyId"/> binds all of it (<see cref="EventChain"/>).
/// </summary>
public sealed record AuditHead(
    string SecretId, byte[] ManageHash, int LastSeq, byte[] LastHash, DateTimeOffset ExpiresAt, bool Closed, FoldedEvents Folded,
    string? KeyId = null, byte[]? Mac = null)
{
    /// <summary>The secret expired without a terminal event being recorded yet (cleanup or TTL has not said so).</summary>
    public bool IsExpiredUnrecorded(DateTimeOffset now) => !Closed && ExpiresAt <= now;
}

/// <summary>
/// Non-terminal events that a trail at <see cref="AuditTrail.MaxEvents"/> counts on its head instead of appending; the
/// terminal event is preceded by one <c>folded</c> event whose detail lists them (<see cref="Detail"/>).
/// </summary>
public sealed record FoldedEvents(int Viewed, int Extended, int FailedAttempts)
{
    public static FoldedEvents None { get; } = new(0, 0, 0);

    public bool Any => Viewed + Extended + FailedAttempts > 0;

    public FoldedEvents Add(string type) => type switch
    {
        SecretEventTypes.Viewed => this with { Viewed = Viewed + 1 },
        SecretEventTypes.Extended => this with { Extended = Extended + 1 },
        _ => this with { FailedAttempts = FailedAttempts + 1 },
    };

    /// <summary><c>viewed:N extended:N failed_attempt:N</c>, leaving out zeros; the same text as <c>secret_audit_record</c> (migration 0004).</summary>
    public string Detail => string.Join(' ', new[]
    {
        Viewed > 0 ? $"{SecretEventTypes.Viewed}:{Viewed}" : null,
        Extended > 0 ? $"{SecretEventTypes.Extended}:{Extended}" : null,
        FailedAttempts > 0 ? $"{SecretEventTypes.FailedAttempt}:{FailedAttempts}" : null,
    }.OfType<string>());
}

/// <summary>A head and its events in sequence order, read at one point in time.</summary>
public sealed record AuditTrail(AuditHead Head, IReadOnlyList<SecretEvent> Events)
{
    /// <summary>
    /// The most events one trail holds. Non-terminal events stop being appended one by one when they would take one of
    /// the last two places, which stay for a <c>folded</c> event and the terminal one (migration 0004 has the same 100).
    /// </summary>
    public const int MaxEvents = 100;
}
