using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace SecretShare.AppHost.Tests;

/// <summary>
/// One AppHost per backend for a test class, started through the testing builder with the databases as local
/// executables (so the suite needs no container runtime), two API replicas behind Aspire's proxy and any free port.
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

    /// <summary>The resource's log lines so far (every instance of a replicated one), for a failure message.</summary>
    public async Task<string> RecentLogAsync(string resourceName, int lines = 40)
    {
        var loggers = App.Services.GetRequiredService<ResourceLoggerService>();
        // The notifications replay every instance's current state first: their ids are the log streams' names.
        var instances = new HashSet<string>();
        using (var replay = new CancellationTokenSource(TimeSpan.FromSeconds(1)))
        {
            try
            {
                await foreach (var update in App.ResourceNotifications.WatchAsync(replay.Token))
                {
                    if (update.Resource.Name == resourceName)
                    {
                        instances.Add(update.ResourceId);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        var logs = await Task.WhenAll(instances.Select(async instance =>
        {
            var log = new List<string>();
            // A watch never ends on its own (the backlog arrives, then it waits for new lines), and it is left to run
            // rather than trusted to honour a cancellation: what arrived within the time is the answer.
            var watch = Task.Run(async () =>
            {
                await foreach (var batch in loggers.WatchAsync(instance))
                {
                    lock (log)
                    {
                        log.AddRange(batch.Select(line => $"[{instance}] {line.Content}"));
                    }
                }
            });
            await Task.WhenAny(watch, Task.Delay(TimeSpan.FromSeconds(2)));
            lock (log)
            {
                return log.TakeLast(lines).ToList();
            }
        }));

        return string.Join('\n', logs.SelectMany(log => log));
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
