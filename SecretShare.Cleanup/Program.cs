using Microsoft.Extensions.Options;
using SecretShare.Cleanup;
using SecretShare.Storage;
using SecretShare.Storage.Configuration;

// --once: one pass and exit, for cron or a Kubernetes CronJob.
var once = args.Contains("--once");

return await GuardedStartup.RunAsync(async () =>
{
    var builder = Host.CreateApplicationBuilder(args.Where(arg => arg != "--once").ToArray());
    builder.AddServiceDefaults();
    var backend = builder.AddSecretStorage();
    builder.Services.AddSingleton(TimeProvider.System);
    builder.Services.AddOptions<CleanupOptions>().BindStartupConfiguration(CleanupOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
    // Only PostgreSQL has a cleaner to run: DynamoDB registers none, and Development's build-time validation of every
    // registration would reject a worker that depends on one.
    if (backend is not DynamoDbBackend)
    {
        builder.Services.AddSingleton<CleanupWorker>();
        if (!once)
        {
            builder.Services.AddHostedService(services => services.GetRequiredService<CleanupWorker>());
        }
    }

    using var host = builder.Build();
    var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("SecretShare.Cleanup");
    if (backend is DynamoDbBackend dynamo)
    {
        logger.LogInformation(
            "DynamoDB TTL on expires_at removes expired secrets from {Table}, and on retain_until audit trails past retention from {EventsTable}; nothing to clean up",
            dynamo.TableName, dynamo.EventsTableName);
        return 0;
    }

    host.Services.GetRequiredService<IStartupValidator>().Validate();
    await host.Services.GetRequiredService<StorageInitializer>().InitializeAsync(CancellationToken.None);
    if (once)
    {
        await host.Services.GetRequiredService<CleanupWorker>().RunOnceAsync(CancellationToken.None);
        return 0;
    }

    await host.RunAsync();
    return 0;
});
