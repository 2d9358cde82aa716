using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

/// <summary>
/// Says on the console what a user would otherwise have to find in the dashboard: where the app is once the API is
/// healthy, and which resource stopped with an error (its console log in the dashboard says why).
/// </summary>
internal sealed class ResourceStateReporter(ResourceNotificationService notifications, ILogger<ResourceStateReporter> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reported = new HashSet<string>();
        try
        {
            await foreach (var update in notifications.WatchAsync(stoppingToken))
            {
                var snapshot = update.Snapshot;
                var name = update.Resource.Name;
                if (name == "api" && snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy
                    && reported.Add("api-ready"))
                {
                    var url = snapshot.Urls.FirstOrDefault(url => !url.IsInternal)?.Url;
                    logger.LogInformation("SecretShare is ready: {Url} (web UI and API)", url);
                }

                var failed = snapshot.State?.Text == KnownResourceStates.FailedToStart
                    || (snapshot.State?.Text is { } state && KnownResourceStates.TerminalStates.Contains(state) && snapshot.ExitCode is not (null or 0));
                if (failed && reported.Add($"{update.ResourceId}-{snapshot.State?.Text}-{snapshot.ExitCode}"))
                {
                    logger.LogError("{Resource} stopped: {State}, exit code {ExitCode}; its console log in the dashboard says why",
                        update.ResourceId, snapshot.State?.Text, snapshot.ExitCode?.ToString() ?? "none");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
