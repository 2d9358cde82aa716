namespace SecretShare.Storage.Secrets;

/// <summary>
/// Secret storage. Every operation that presents a token is ONE atomic decision where the data is: it compares the
/// token, checks that the secret is live, makes the change or counts the failed attempt, and appends the events, all
/// in one conditional step, so the guarantees of SPEC section 3 hold however many requests race and whichever API
/// instance serves them. The result says what happened; nobody reads the state again to find out
/// (docs/design.md, "Tokens and attempts" and "Events").
/// </summary>
public interface ISecretRepository
{
    Task CreateAsync(NewSecret secret, CancellationToken cancellationToken);

    /// <summary>The state of a live secret (not expired at <paramref name="now"/>, a view left), without the ciphertext; else <c>null</c>.</summary>
    Task<SecretState?> FindLiveAsync(string id, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// With the access token: takes one view, and deletes the secret when that was the last view. With a wrong token: <see cref="SecretOutcome.WrongToken"/>, counted on a passphrase-protected secret.
    /// </summary>
    Task<SecretResult<RevealedSecret>> RevealAsync(TokenAttempt attempt, CancellationToken cancellationToken);

    /// <summary>
    /// With the access token: applies the extension, or answers <see cref="SecretOutcome.NotExtendable"/> /
    /// <see cref="SecretOutcome.OutOfBounds"/> without writing. With a wrong token: as <see cref="RevealAsync"/>.
    /// </summary>
    Task<SecretResult<SecretMetadata>> ExtendAsync(TokenAttempt attempt, SecretExtension extension, CancellationToken cancellationToken);

    /// <summary>With the access or the manage token: deletes the secret and says which token it was. A wrong token: as <see cref="RevealAsync"/>.</summary>
    Task<SecretResult<DeletedBy>> DeleteAsync(TokenAttempt attempt, CancellationToken cancellationToken);

    /// <summary>
    /// The audit head and all events of a secret, live or gone, until its retention ends (at most
    /// <see cref="AuditTrail.MaxEvents"/>); <c>null</c> when there is no head.
    /// </summary>
    Task<AuditTrail?> ReadAuditTrailAsync(string id, CancellationToken cancellationToken);

    /// <summary>Appends the <c>expired</c> event to an open chain whose secret expired at or before <paramref name="now"/>.</summary>
    Task RecordExpiryAsync(string id, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>
/// One presented token: the hash of what the caller sent, the time of the request, and how many wrong tokens a
/// passphrase-protected secret survives.
/// </summary>
public sealed record TokenAttempt(string Id, byte[] TokenHash, DateTimeOffset Now, int MaxFailedAttempts);

/// <summary>Which token deleted a secret.</summary>
public enum DeletedBy
{
    Creator,
    Recipient,
}
