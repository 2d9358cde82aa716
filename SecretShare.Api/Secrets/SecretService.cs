using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using SecretShare.Storage.Audit;
using SecretShare.Storage.Secrets;

namespace SecretShare.Api.Secrets;

/// <summary>What a request for a secret can come to, besides success.</summary>
public enum SecretOutcome
{
    Ok,

    /// <summary>Unknown, expired, burned or deleted: indistinguishable to the caller.</summary>
    NotFound,

    /// <summary>Wrong token: one failed attempt was counted.</summary>
    Denied,
    NotExtendable,
    ViewsNotExtendable,
}

/// <summary>An audit trail and the verdict on its chain, as read at <paramref name="IssuedAt"/>.</summary>
public sealed record AuditReceipt(AuditTrail Trail, ChainVerdict Verdict, DateTimeOffset IssuedAt)
{
    public bool IsActive => !Trail.Head.Closed;

    /// <summary><c>active</c>, or the terminal event's type: <c>burned</c>, <c>deleted</c>, <c>expired</c>.</summary>
    public string Status => !IsActive && Trail.Events is [.., { } last] ? last.Type : "active";
}

public readonly record struct SecretResult<T>(SecretOutcome Outcome, T? Value = default, int AttemptsRemaining = 0)
{
    public static implicit operator SecretResult<T>(SecretOutcome outcome) => new(outcome);
}

/// <summary>
/// The rules of SPEC sections 2 and 3 on top of the repository's atomic operations: token hashing, the
/// indistinguishable 404, failed-attempt counting, and telling the user why a conditional operation failed.
/// </summary>
public sealed partial class SecretService(
    ISecretRepository repository,
    TimeProvider clock,
    IOptions<SecretLimitsOptions> limits,
    SecretShareMetrics metrics,
    AuditKeyRing keys,
    ILogger<SecretService> logger)
{
    // A conditional write can lose to a racing request whose effect a fresh read then shows; a few rounds settle it.
    private const int MaxRounds = 3;

    private SecretLimitsOptions Limits => limits.Value;

    public async Task<(SecretState State, string ManageToken)> CreateAsync(
        byte[] ciphertext, byte[] accessToken, int expiresInSeconds, int? maxViews, bool extendable, bool passphraseProtected,
        CancellationToken cancellationToken)
    {
        var now = Now();
        var manageToken = SecretTokens.NewToken();
        var state = new SecretState(
            Id: SecretTokens.NewId(),
            AccessHash: SecretTokens.Hash(accessToken),
            ManageHash: SecretTokens.Hash(manageToken),
            CreatedAt: now,
            ExpiresAt: now.AddSeconds(expiresInSeconds),
            MaxViews: maxViews,
            Views: 0,
            FailedAttempts: 0,
            Extendable: extendable,
            PassphraseProtected: passphraseProtected);

        await repository.CreateAsync(new NewSecret(state, ciphertext), cancellationToken);
        metrics.Created();
        return (state, System.Buffers.Text.Base64Url.EncodeToString(manageToken));
    }

    public async Task<SecretResult<SecretState>> GetAsync(string id, CancellationToken cancellationToken)
    {
        var state = await repository.FindAsync(id, cancellationToken);
        return Live(state, Now()) is { } live ? new SecretResult<SecretState>(SecretOutcome.Ok, live) : SecretOutcome.NotFound;
    }

    public async Task<SecretResult<RevealedSecret>> RevealAsync(string id, byte[] accessToken, CancellationToken cancellationToken)
    {
        var accessHash = SecretTokens.Hash(accessToken);
        for (var round = 0; round < MaxRounds; round++)
        {
            var now = Now();
            if (await repository.TryRevealAsync(id, accessHash, now, cancellationToken) is { } revealed)
            {
                metrics.Revealed();
                if (revealed.Burned)
                {
                    metrics.Burned("last_view");
                    LogBurned(SecretTokens.Redact(id));
                }

                return new(SecretOutcome.Ok, revealed);
            }

            var check = await CheckTokenAsync(id, accessHash, acceptManageToken: false, now, cancellationToken);
            if (check.Outcome != SecretOutcome.Ok)
            {
                return new(check.Outcome, AttemptsRemaining: check.AttemptsRemaining);
            }
        }

        return SecretOutcome.NotFound;
    }

    public async Task<SecretResult<SecretState>> ExtendAsync(
        string id, byte[] accessToken, int addSeconds, int addViews, CancellationToken cancellationToken)
    {
        var accessHash = SecretTokens.Hash(accessToken);
        for (var round = 0; round < MaxRounds; round++)
        {
            var now = Now();
            var extension = new SecretExtension(
                TimeSpan.FromSeconds(addSeconds), addViews, now.AddSeconds(Limits.MaxExpiresInSeconds), Limits.MaxViews);
            if (await repository.TryExtendAsync(id, accessHash, extension, now, cancellationToken) is { } extended)
            {
                return new(SecretOutcome.Ok, extended);
            }

            var check = await CheckTokenAsync(id, accessHash, acceptManageToken: false, now, cancellationToken);
            if (check.Outcome != SecretOutcome.Ok)
            {
                return new(check.Outcome, AttemptsRemaining: check.AttemptsRemaining);
            }

            if (!check.Value!.Extendable)
            {
                return SecretOutcome.NotExtendable;
            }

            if (!extension.FitsViews(check.Value.MaxViews))
            {
                return SecretOutcome.ViewsNotExtendable;
            }
        }

        return SecretOutcome.NotFound;
    }

    /// <summary>Deletes with either the manage token (the creator) or the access token (a recipient).</summary>
    public async Task<SecretResult<bool>> DeleteAsync(string id, byte[] token, CancellationToken cancellationToken)
    {
        var tokenHash = SecretTokens.Hash(token);
        for (var round = 0; round < MaxRounds; round++)
        {
            var now = Now();
            if (await repository.TryDeleteAsync(id, tokenHash, now, cancellationToken))
            {
                metrics.Burned("deleted");
                return new(SecretOutcome.Ok, true);
            }

            var check = await CheckTokenAsync(id, tokenHash, acceptManageToken: true, now, cancellationToken);
            if (check.Outcome != SecretOutcome.Ok)
            {
                return new(check.Outcome, AttemptsRemaining: check.AttemptsRemaining);
            }
        }

        return SecretOutcome.NotFound;
    }

    /// <summary>
    /// The audit trail of a secret, live or gone, for the holder of its manage token; a wrong token reads as unknown and
    /// counts nothing, so nobody can burn a trail or learn that it exists. An expiry that nobody recorded yet (cleanup
    /// has not run, DynamoDB TTL writes nothing) is recorded now.
    /// </summary>
    public async Task<SecretResult<AuditReceipt>> GetEventsAsync(string id, byte[] manageToken, CancellationToken cancellationToken)
    {
        var manageHash = SecretTokens.Hash(manageToken);
        var trail = await repository.ReadAuditTrailAsync(id, cancellationToken);
        if (trail is null || !CryptographicOperations.FixedTimeEquals(trail.Head.ManageHash, manageHash))
        {
            return SecretOutcome.NotFound;
        }

        // Verified before the expiry is appended: the server keys whatever it appends, and must not vouch for a head
        // whose expiry someone moved in the database.
        var now = Now();
        var verdict = EventChain.Verify(trail, keys);
        if (verdict.Verified && trail.Head.IsExpiredUnrecorded(now))
        {
            await repository.RecordExpiryAsync(id, now, cancellationToken);
            trail = await repository.ReadAuditTrailAsync(id, cancellationToken) ?? trail;
            verdict = EventChain.Verify(trail, keys);
        }

        return new(SecretOutcome.Ok, new AuditReceipt(trail, verdict, now));
    }

    /// <summary>
    /// After a conditional operation failed: is the secret gone, or is the token wrong (count an attempt), or is
    /// the token right (the caller looks at the state)? Hashes are compared in constant time.
    /// </summary>
    private async Task<SecretResult<SecretState>> CheckTokenAsync(
        string id, byte[] tokenHash, bool acceptManageToken, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (Live(await repository.FindAsync(id, cancellationToken), now) is not { } state)
        {
            return SecretOutcome.NotFound;
        }

        var matches = CryptographicOperations.FixedTimeEquals(state.AccessHash, tokenHash)
            | (acceptManageToken && CryptographicOperations.FixedTimeEquals(state.ManageHash, tokenHash));
        if (matches)
        {
            return new(SecretOutcome.Ok, state);
        }

        if (await repository.RecordFailedAttemptAsync(id, now, Limits.MaxFailedAttempts, cancellationToken) is not { } failed)
        {
            return SecretOutcome.NotFound;
        }

        metrics.FailedAttempt();
        var remaining = Math.Max(0, Limits.MaxFailedAttempts - failed);
        if (remaining == 0)
        {
            metrics.Burned("failed_attempts");
            LogDeletedAfterFailedAttempts(SecretTokens.Redact(id), failed);
        }

        return new(SecretOutcome.Denied, AttemptsRemaining: remaining);
    }

    private SecretState? Live(SecretState? state, DateTimeOffset now)
    {
        if (state is null || state.IsExhausted)
        {
            return null;
        }

        if (state.IsExpiredAt(now))
        {
            metrics.ExpiredOnRead();
            return null;
        }

        return state;
    }

    /// <summary>Whole seconds: DynamoDB's TTL attribute holds epoch seconds, and both backends must agree.</summary>
    private DateTimeOffset Now()
    {
        var now = clock.GetUtcNow();
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
    }

    // Debug, not Information: it fires on every one-view reveal, and writing it cost about 7 % of the API's CPU under
    // load (docs/performance.md); the secretshare.secrets.burned counter carries the same fact.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Secret {IdPrefix} burned by its last view")]
    private partial void LogBurned(string idPrefix);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Secret {IdPrefix} deleted after {FailedAttempts} failed attempts")]
    private partial void LogDeletedAfterFailedAttempts(string idPrefix, int failedAttempts);
}
