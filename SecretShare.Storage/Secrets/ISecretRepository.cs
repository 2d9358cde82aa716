namespace SecretShare.Storage.Secrets;

/// <summary>
/// Secret storage. Every state change is one atomic conditional operation, so the guarantees of SPEC section 3
/// hold however many requests race. A <c>Try</c> method returns <c>null</c>/<c>false</c> when any of its
/// conditions fails; the caller then reads the state to tell the user why. Every state change appends its events to the
/// secret's hash chain atomically with the change itself (docs/design.md, "Events").
/// </summary>
public interface ISecretRepository
{
    Task CreateAsync(NewSecret secret, CancellationToken cancellationToken);

    /// <summary>The stored state, expired or not, without the ciphertext; <c>null</c> when no row exists.</summary>
    Task<SecretState?> FindAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Takes one view if the access hash matches, the secret has not expired and a view is left; resets the
    /// failed-attempt counter; deletes the secret when this was the last view.
    /// </summary>
    Task<RevealedSecret?> TryRevealAsync(string id, byte[] accessHash, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Counts one failed attempt on a live secret and deletes it when the count reaches <paramref name="maxFailedAttempts"/>.
    /// Returns the count after this attempt, or <c>null</c> when the secret is gone.
    /// </summary>
    Task<int?> RecordFailedAttemptAsync(string id, DateTimeOffset now, int maxFailedAttempts, CancellationToken cancellationToken);

    /// <summary>Applies the extension if the access hash matches, the secret is live and extendable, and the views fit.</summary>
    Task<SecretState?> TryExtendAsync(string id, byte[] accessHash, SecretExtension extension, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes a live secret whose access or manage hash matches <paramref name="tokenHash"/>.</summary>
    Task<bool> TryDeleteAsync(string id, byte[] tokenHash, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The audit head and all events of a secret, live or gone, until its retention ends; <c>null</c> when none.</summary>
    Task<AuditTrail?> ReadAuditTrailAsync(string id, CancellationToken cancellationToken);

    /// <summary>Appends the <c>expired</c> event to an open chain whose secret expired at or before <paramref name="now"/>.</summary>
    Task RecordExpiryAsync(string id, DateTimeOffset now, CancellationToken cancellationToken);
}
