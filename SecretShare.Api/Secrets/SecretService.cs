using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using SecretShare.Storage.Audit;
using SecretShare.Storage.Secrets;

namespace SecretShare.Api.Secrets;

/// <summary>An audit trail and the verdict on its chain, as read at <paramref name="IssuedAt"/>.</summary>
public sealed record SecretStatus(AuditTrail Trail, ChainVerdict Verdict, DateTimeOffset IssuedAt)
{
    public bool IsActive => !Trail.Head.Closed;

    /// <summary><c>active</c>, or the terminal event's type: <c>burned</c>, <c>deleted</c>, <c>expired</c>.</summary>
    public string Status => !IsActive && Trail.Events is [.., { } last] ? last.Type : "active";
}

/// <summary>
/// SPEC sections 2 and 3 on top of the repository: hashes the presented token, makes one call whose atomic decision
/// says what happened, and counts it in metrics. Whether the secret is live and whether the token is right are
/// decided where the data is, by the repository, never here.
/// </summary>
public sealed partial class SecretService(
    ISecretRepository repository,
    TimeProvider clock,
    IOptions<SecretLimitsOptions> limits,
    SecretShareMetrics metrics,
    AuditKeyRing keys,
    ILogger<SecretService> logger)
{
    private SecretLimitsOptions Limits => limits.Value;

    public async Task<(SecretState State, string ManageToken)> CreateAsync(
        byte[] ciphertext, byte[] accessToken, int expiresInSeconds, int? maxViews, bool extendable, bool passphraseProtected,
        CancellationToken cancellationToken)
    {
        var now = Now();
        var manageToken = SecretTokens.NewToken();
        var expiresAt = now.AddSeconds(expiresInSeconds);
        var state = new SecretState(
            Id: SecretTokens.NewId(),
            AccessHash: SecretTokens.Hash(accessToken),
            ManageHash: SecretTokens.Hash(manageToken),
            CreatedAt: now,
            ExpiresAt: expiresAt,
            ExpiresAtLimit: extendable ? now.AddSeconds(Math.Max(Limits.MaxLifetimeSeconds, expiresInSeconds)) : expiresAt,
            MaxViews: maxViews,
            Views: 0,
            FailedAttempts: 0,
            Extendable: extendable,
            PassphraseProtected: passphraseProtected);

        await repository.CreateAsync(new NewSecret(state, ciphertext), cancellationToken);
        metrics.Created();
        return (state, System.Buffers.Text.Base64Url.EncodeToString(manageToken));
    }

    public async Task<SecretState?> GetAsync(string id, CancellationToken cancellationToken) =>
        await repository.FindLiveAsync(id, Now(), cancellationToken);

    public async Task<SecretResult<RevealedSecret>> RevealAsync(string id, byte[] accessToken, CancellationToken cancellationToken)
    {
        var result = await repository.RevealAsync(Attempt(id, accessToken), cancellationToken);
        if (result is { Outcome: SecretOutcome.Granted, Value: { } revealed })
        {
            metrics.Revealed();
            if (revealed.Burned)
            {
                metrics.Burned("last_view");
                LogBurned(SecretTokens.Redact(id));
            }
        }

        return Counted(id, result);
    }

    public async Task<SecretResult<SecretMetadata>> ExtendAsync(
        string id, byte[] accessToken, int addSeconds, int addViews, CancellationToken cancellationToken)
    {
        var extension = new SecretExtension(
            TimeSpan.FromSeconds(addSeconds), addViews, TimeSpan.FromSeconds(Limits.MaxExpiresInSeconds), Limits.MaxViews);
        return Counted(id, await repository.ExtendAsync(Attempt(id, accessToken), extension, cancellationToken));
    }

    /// <summary>Deletes with either the manage token (the creator) or the access token (a recipient).</summary>
    public async Task<SecretResult<DeletedBy>> DeleteAsync(string id, byte[] token, CancellationToken cancellationToken)
    {
        var result = await repository.DeleteAsync(Attempt(id, token), cancellationToken);
        if (result is { Outcome: SecretOutcome.Granted, Value: var by })
        {
            metrics.Deleted(by);
        }

        return Counted(id, result);
    }

    /// <summary>
    /// The audit trail of a secret, live or gone, for the holder of its manage token; a wrong token reads as unknown and
    /// counts nothing, so nobody can burn a trail or learn that it exists. An expiry that nobody recorded yet (cleanup
    /// has not run, DynamoDB TTL writes nothing) is recorded now.
    /// </summary>
    public async Task<SecretStatus?> GetStatusAsync(string id, byte[] manageToken, CancellationToken cancellationToken)
    {
        var manageHash = SecretTokens.Hash(manageToken);
        var trail = await repository.ReadAuditTrailAsync(id, cancellationToken);
        if (trail is null || !CryptographicOperations.FixedTimeEquals(trail.Head.ManageHash, manageHash))
        {
            return null;
        }

        // Verified before the expiry is appended: the server keys what it appends, and must not vouch for a head whose
        // expiry someone moved in the database.
        var now = Now();
        var verdict = EventChain.Verify(trail, keys);
        if (verdict.Verified && trail.Head.IsExpiredUnrecorded(now))
        {
            await repository.RecordExpiryAsync(id, now, cancellationToken);
            trail = await repository.ReadAuditTrailAsync(id, cancellationToken) ?? trail;
            verdict = EventChain.Verify(trail, keys);
        }

        return new SecretStatus(trail, verdict, now);
    }

    private TokenAttempt Attempt(string id, byte[] token) => new(id, SecretTokens.Hash(token), Now(), Limits.MaxFailedAttempts);

    /// <summary>Counts a wrong token in metrics, and the deletion it caused when it used the secret's last attempt.</summary>
    private SecretResult<T> Counted<T>(string id, SecretResult<T> result)
    {
        if (result.Outcome == SecretOutcome.WrongToken)
        {
            metrics.FailedAttempt();
            if (result.AttemptsRemaining == 0)
            {
                metrics.Burned("failed_attempts");
                LogDeletedAfterFailedAttempts(SecretTokens.Redact(id), Limits.MaxFailedAttempts);
            }
        }

        return result;
    }

    /// <summary>Whole seconds: DynamoDB's TTL attribute holds epoch seconds, and both backends must agree.</summary>
    private DateTimeOffset Now()
    {
        var now = clock.GetUtcNow();
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
    }

    // Debug, not Information: it fires on every one-view reveal; the secretshare.secrets.burned counter carries the
    // same fact (docs/performance.md).
    [LoggerMessage(Level = LogLevel.Debug, Message = "Secret {IdPrefix} burned by its last view")]
    private partial void LogBurned(string idPrefix);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Secret {IdPrefix} deleted after {FailedAttempts} failed attempts")]
    private partial void LogDeletedAfterFailedAttempts(string idPrefix, int failedAttempts);
}
