namespace SecretShare.Storage.DynamoDb;

/// <summary>
/// How long one attempt at DynamoDB may take: a single call, or one read-decide-commit round of a change. The SDK
/// retries each call after its own timeout, so without this a slow, restarting database could hold a request for
/// several timeouts; past the deadline the caller gets a <see cref="TimeoutException"/>, which the API answers with a
/// quick 503. It bounds attempts, not races: a change that loses a race to another request starts a fresh attempt, and
/// only <see cref="DynamoDbCommitter"/>'s contention limit bounds how many, so the losers of a busy secret are never
/// cut off while each of their attempts makes progress.
/// </summary>
internal sealed class AttemptDeadline(TimeSpan limit)
{
    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> attempt, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);
        try
        {
            return await attempt(timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The database did not complete the attempt within {limit.TotalSeconds:0.#} s.");
        }
    }

    public Task RunAsync(Func<CancellationToken, Task> attempt, CancellationToken cancellationToken) =>
        RunAsync(async token =>
        {
            await attempt(token);
            return true;
        }, cancellationToken);
}
