using Microsoft.Extensions.Options;
using SecretShare.Storage;
using SecretShare.Storage.Postgres;

namespace SecretShare.Cleanup;

/// <summary>
/// Deletes expired PostgreSQL rows on an interval, then audit trails past their retention. Expired rows are already
/// invisible to the API; this reclaims their space and records their expiry in their audit trails.
/// </summary>
public sealed partial class CleanupWorker(
    ExpiredSecretsCleaner cleaner, TimeProvider clock, IOptions<CleanupOptions> options, ILogger<CleanupWorker> logger)
    : BackgroundService
{
    /// <summary>One pass: returns how many rows it deleted.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var deleted = await cleaner.DeleteExpiredAsync(now, options.Value.BatchSize, cancellationToken);
        LogDeleted(deleted);
        LogDeletedTrails(await cleaner.DeleteExpiredAuditTrailsAsync(now, options.Value.BatchSize, cancellationToken));
        LogDeletedRequests(await cleaner.DeleteExpiredRequestsAsync(now, options.Value.BatchSize, cancellationToken));
        return deleted;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogStarted(options.Value.IntervalSeconds);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.IntervalSeconds), clock);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (StorageErrors.IsUnavailable(ex))
            {
                // The next tick tries again; an outage must not end the worker.
                LogPassFailed(ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Cleanup runs every {IntervalSeconds} s")]
    private partial void LogStarted(int intervalSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} expired secrets")]
    private partial void LogDeleted(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} audit trails past their retention")]
    private partial void LogDeletedTrails(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} expired requests")]
    private partial void LogDeletedRequests(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cleanup pass failed, retrying at the next interval: {Reason}")]
    private partial void LogPassFailed(string reason);
}
