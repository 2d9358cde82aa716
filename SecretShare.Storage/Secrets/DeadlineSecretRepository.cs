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

    public Task<SecretState?> FindLiveAsync(string id, DateTimeOffset now, CancellationToken cancellationToken) =>
        RunAsync(token => inner.FindLiveAsync(id, now, token), cancellationToken);

    public Task<SecretResult<RevealedSecret>> RevealAsync(TokenAttempt attempt, CancellationToken cancellationToken) =>
        RunAsync(token => inner.RevealAsync(attempt, token), cancellationToken);

    public Task<SecretResult<SecretMetadata>> ExtendAsync(TokenAttempt attempt, SecretExtension extension, CancellationToken cancellationToken) =>
        RunAsync(token => inner.ExtendAsync(attempt, extension, token), cancellationToken);

    public Task<SecretResult<DeletedBy>> DeleteAsync(TokenAttempt attempt, CancellationToken cancellationToken) =>
        RunAsync(token => inner.DeleteAsync(attempt, token), cancellationToken);

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
