using Amazon.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SecretShare.Hosting;
using SecretShare.Storage.Configuration;
using SecretShare.Storage.DynamoDb;
using SecretShare.Storage.Postgres;

namespace SecretShare.Storage;

/// <summary>
/// Prepares storage before the host serves anything: applies PostgreSQL migrations or provisions the local
/// DynamoDB table, retrying while the database is still starting (as under Aspire or docker compose). It runs when
/// the host starts, before any hosted service's StartAsync (Kestrel's among them), so no request reaches storage
/// that is not ready; a failure is a <see cref="StartupConfigurationException"/>, which GuardedStartup reports as one line.
/// </summary>
public sealed partial class StorageInitializer(
    IServiceProvider services, StorageBackend backend, IOptions<StorageOptions> options, ILogger<StorageInitializer> logger)
    : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => InitializeAsync(cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var description = backend switch
        {
            PostgresBackend postgres => postgres.Describe(),
            DynamoDbBackend dynamo => dynamo.Describe(),
            _ => throw new InvalidOperationException("Unknown backend"),
        };
        LogUsing(description);

        var deadline = DateTimeOffset.UtcNow.AddSeconds(options.Value.StartupTimeoutSeconds);
        while (true)
        {
            try
            {
                await (backend switch
                {
                    PostgresBackend => services.GetRequiredService<PostgresSchemaMigrator>().MigrateAsync(cancellationToken),
                    _ => services.GetRequiredService<DynamoDbTableProvisioner>().EnsureTablesAsync(cancellationToken),
                });
                return;
            }
            catch (Exception ex) when (StorageErrors.IsUnavailable(ex) && DateTimeOffset.UtcNow < deadline)
            {
                LogWaiting(description, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
            catch (StartupConfigurationException)
            {
                throw;
            }
            catch (AmazonClientException ex) when (backend is DynamoDbBackend dynamo && ex.Message.StartsWith("Failed to resolve AWS credentials", StringComparison.Ordinal))
            {
                // Thrown when the client is made; the SDK's message lists every provider it tried, over many lines.
                throw new StartupConfigurationException(
                    $"No AWS credentials for {dynamo.Describe()}: the SDK's standard chain found none (AWS_ACCESS_KEY_ID and "
                    + "AWS_SECRET_ACCESS_KEY, a profile, or a role). Made-up local ones are used only in Development with an endpoint override.");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw new StartupConfigurationException($"Cannot prepare {description}: {ex.Message}", ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Storage: {Backend}")]
    private partial void LogUsing(string backend);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waiting for {Backend}: {Reason}")]
    private partial void LogWaiting(string backend, string reason);
}
