using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace SecretShare.AppHost.Tests;

/// <summary>
/// One AppHost per backend for a test class, started through the testing builder with the databases as local
/// executables (what this machine and CI have), two API replicas behind Aspire's proxy and any free port.
/// Disposal stops it and asserts that it left no database process and no data folder behind.
/// </summary>
public abstract class AppHostFixture(string backend) : IAsyncLifetime
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private DistributedApplication? app;

    public DistributedApplication App => app ?? throw new InvalidOperationException("The AppHost has not started.");

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.SecretShare_AppHost>(
            [$"Backend={backend}", "DatabaseRuntime=executable", "Api:HttpPort=0", "Api:Replicas=2"], timeout.Token);
        Configure(builder);
        app = await builder.BuildAsync(timeout.Token);
        await app.StartAsync(timeout.Token);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("api", timeout.Token);
    }

    /// <summary>Changes to the application model before it starts, such as settings of the API.</summary>
    protected virtual void Configure(IDistributedApplicationTestingBuilder builder)
    {
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
            await Leftovers.AssertNoneAsync(Environment.ProcessId, TimeSpan.FromSeconds(30));
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>The resource's log lines so far (all instances), for a failure message.</summary>
    public async Task<string> RecentLogAsync(string resourceName, int lines = 40)
    {
        var log = new List<string>();
        var loggers = App.Services.GetRequiredService<ResourceLoggerService>();
        var resource = App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == resourceName);
        using var read = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await foreach (var batch in loggers.WatchAsync(resource).WithCancellation(read.Token))
            {
                log.AddRange(batch.Select(line => line.Content));
            }
        }
        catch (OperationCanceledException)
        {
            // The watch never ends on its own: the backlog arrives first, then it waits for new lines.
        }

        return string.Join('\n', log.TakeLast(lines));
    }

    /// <summary>
    /// Waits until <paramref name="count"/> instances (replicas) of a resource are running, as the orchestrator reports
    /// them, and returns their ids.
    /// </summary>
    public async Task<IReadOnlyCollection<string>> WaitForRunningInstancesAsync(string resourceName, int count, CancellationToken cancellationToken)
    {
        var running = new HashSet<string>();
        await foreach (var update in App.ResourceNotifications.WatchAsync(cancellationToken))
        {
            if (update.Resource.Name != resourceName)
            {
                continue;
            }

            if (update.Snapshot.State?.Text == KnownResourceStates.Running)
            {
                running.Add(update.ResourceId);
            }
            else
            {
                running.Remove(update.ResourceId);
            }

            if (running.Count == count)
            {
                break;
            }
        }

        return running;
    }
}

public sealed class PostgresAppHostFixture() : AppHostFixture("postgres");

public sealed class DynamoDbAppHostFixture() : AppHostFixture("dynamodb");
