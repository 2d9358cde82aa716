namespace SecretShare.Storage.Secrets;

/// <summary>
/// Gives each storage operation as a whole one deadline. An operation can make several database calls (a DynamoDB
/// reveal reads, then writes in a transaction) and the SDK retries each call after its own timeout, so without this a
/// slow, restarting database could hold a request for several timeouts; past the deadline the caller gets a
/// <see cref="TimeoutException"/>, which the API answers with a quick 503.
/// </summary>
internal sealed class DeadlineSecretRepository(ISecretRepository inner, TimeSpan deadline) : ISecretRepository
{
    public Task CreateAsync(NewSecret secret, CancellationToken cancellationToken) =>
        RunAsync(token => inner.CreateAsync(secret, token), cancellationToken);

    public Task<SecretState?> FindAsync(string id, CancellationToken cancellationToken) =>
        RunAsync(token => inner.FindAsync(id, token), cancellationToken);

    public Task<RevealedSecret?> TryRevealAsync(string id, byte[] accessHash, DateTimeOffset now, CancellationToken cancellationToken) =>
        RunAsync(token => inner.TryRevealAsync(id, accessHash, now, token), cancellationToken);

    public Task<int?> RecordFailedAttemptAsync(string id, DateTimeOffset now, int maxFailedAttempts, CancellationToken cancellationToken) =>
        RunAsync(token => inner.RecordFailedAttemptAsync(id, now, maxFailedAttempts, token), cancellationToken);

    public Task<SecretState?> TryExtendAsync(string id, byte[] accessHash, SecretExtension extension, DateTimeOffset now, CancellationToken cancellationToken) =>
        RunAsync(token => inner.TryExtendAsync(id, accessHash, extension, now, token), cancellationToken);

    public Task<bool> TryDeleteAsync(string id, byte[] tokenHash, DateTimeOffset now, CancellationToken cancellationToken) =>
        RunAsync(token => inner.TryDeleteAsync(id, tokenHash, now, token), cancellationToken);

    public Task<AuditTrail?> ReadAuditTrailAsync(string id, CancellationToken cancellationToken) =>
        RunAsync(token => inner.ReadAuditTrailAsync(id, token), cancellationToken);

    public Task RecordExpiryAsync(string id, DateTimeOffset now, CancellationToken cancellationToken) =>
        RunAsync(token => inner.RecordExpiryAsync(id, now, token), cancellationToken);

    private Task RunAsync(Func<CancellationToken, Task> operation, CancellationToken cancellationToken) =>
        RunAsync(async token =>
        {
            await operation(token);
            return true;
        }, cancellationToken);

    private async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(deadline);
        try
        {
            return await operation(timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The database did not complete the operation within {deadline.TotalSeconds:0.#} s.");
        }
    }
}
