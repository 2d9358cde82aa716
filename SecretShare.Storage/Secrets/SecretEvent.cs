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
/// receipts) and the chain's last link, so a truncated chain is noticed; <paramref name="Mac"/> under the audit key
/// <paramref name="KeyId"/> binds the link, the expiry and whether the chain is closed (<see cref="EventChain"/>).
/// </summary>
public sealed record AuditHead(
    string SecretId, byte[] ManageHash, int LastSeq, byte[] LastHash, DateTimeOffset ExpiresAt, bool Closed, string? KeyId = null, byte[]? Mac = null)
{
    /// <summary>The secret expired without a terminal event being recorded yet (cleanup or TTL has not said so).</summary>
    public bool IsExpiredUnrecorded(DateTimeOffset now) => !Closed && ExpiresAt <= now;
}

/// <summary>A head and its events in sequence order, read at one point in time.</summary>
public sealed record AuditTrail(AuditHead Head, IReadOnlyList<SecretEvent> Events);
