using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SecretShare.Hosting;
using SecretShare.Storage;

namespace SecretShare.Cleanup;

/// <summary>
/// Sweeps expired data through the backend's <see cref="IExpiredSecretsSweeper"/> on an interval, or once (--once).
/// Where the database removes expired data itself, it says so and the process exits 0.
/// </summary>
public sealed partial class CleanupWorker(
    IExpiredSecretsSweeper sweeper, CleanupSchedule schedule, TimeProvider clock, IOptions<CleanupOptions> options,
    IHostApplicationLifetime lifetime, ILogger<CleanupWorker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (sweeper.NothingToSweepBecause is { } reason)
        {
            LogNothingToSweep(reason);
            await StopOnceStartedAsync(stoppingToken);
            return;
        }

        if (schedule.Once)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Cron or a CronJob reads the exit code.
                LogOnePassFailed(ex);
                Environment.ExitCode = 1;
            }

            await StopOnceStartedAsync(stoppingToken);
            return;
        }

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

    private async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var deleted = await sweeper.SweepAsync(clock.GetUtcNow(), options.Value.BatchSize, cancellationToken);
        LogDeleted(deleted.Secrets);
        LogDeletedTrails(deleted.AuditTrails);
        LogDeletedRequests(deleted.Requests);
    }

    // Stopping while other hosted services are still starting would fail their start; once started, it is a clean stop.
    private async Task StopOnceStartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }

        lifetime.StopApplication();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Reason}")]
    private partial void LogNothingToSweep(string reason);

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

    [LoggerMessage(Level = LogLevel.Error, Message = "Cleanup pass failed")]
    private partial void LogOnePassFailed(Exception exception);
}

/// <summary>Whether the worker makes one pass and exits (--once, for cron or a Kubernetes CronJob) or runs on its interval.</summary>
public sealed record CleanupSchedule(bool Once);

public static class CleanupWorkerExtensions
{
    public static void AddCleanupWorker(this IHostApplicationBuilder builder, bool once)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(new CleanupSchedule(once));
        builder.Services.AddOptions<CleanupOptions>().BindStartupConfiguration(CleanupOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHostedService<CleanupWorker>();
    }
}
