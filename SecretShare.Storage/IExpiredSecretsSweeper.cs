namespace SecretShare.Storage;

/// <summary>
/// Removes what has expired, for the cleanup worker: secrets past their expiry (already invisible to the API; this
/// reclaims their space), audit trails past their retention, and expired requests. One implementation per backend.
/// </summary>
public interface IExpiredSecretsSweeper
{
    /// <summary>
    /// <c>null</c> when sweeping is the worker's job; otherwise why there is never anything to sweep (the database
    /// removes expired data itself), as one line for the log.
    /// </summary>
    string? NothingToSweepBecause { get; }

    /// <summary>One pass over everything that expired before <paramref name="now"/>, at most <paramref name="batchSize"/> rows per statement.</summary>
    Task<SweepCounts> SweepAsync(DateTimeOffset now, int batchSize, CancellationToken cancellationToken);
}

/// <summary>How many of each kind one pass deleted.</summary>
public readonly record struct SweepCounts(int Secrets, int AuditTrails, int Requests);
