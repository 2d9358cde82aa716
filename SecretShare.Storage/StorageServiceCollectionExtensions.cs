using Amazon;
using Amazon.DynamoDBv2;
using Amazon.Extensions.NETCore.Setup;
using Amazon.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Microsoft.Extensions.Options;
using SecretShare.Hosting;
using SecretShare.Storage.Audit;
using SecretShare.Storage.Configuration;
using SecretShare.Storage.DynamoDb;
using SecretShare.Storage.Postgres;
using SecretShare.Storage.Requests;
using SecretShare.Storage.Secrets;

namespace SecretShare.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>Name and tag of the readiness check that includes the database.</summary>
    public const string DatabaseHealthCheck = "database";

    /// <summary>
    /// Detects the backend from the environment and registers its repository, its health check and the
    /// <see cref="StorageInitializer"/> that prepares it when the host starts. Throws
    /// <see cref="StartupConfigurationException"/> when misconfigured.
    /// </summary>
    public static StorageBackend AddSecretStorage(this IHostApplicationBuilder builder)
    {
        var backend = StorageBackend.Detect(builder.Configuration);
        if (backend is DynamoDbBackend { EndpointOverride: not null } local && builder.Environment.IsDevelopment())
        {
            backend = local with { IsLocalDevelopment = true };
        }

        var services = builder.Services;
        services.AddSingleton(backend);
        services.AddHostedService<StorageInitializer>();
        services.AddOptions<StorageOptions>().BindStartupConfiguration(StorageOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        // The key ring the repositories key each trail with; validated whenever it is read (RequireAuditKeys: at start).
        services.AddOptions<AuditOptions>().BindStartupConfiguration(AuditOptions.SectionName);
        services.AddSingleton<IValidateOptions<AuditOptions>, AuditOptions.Validator>();
        services.AddSingleton<AuditKeyRing>();

        switch (backend)
        {
            case PostgresBackend postgres:
                // Named, so that Npgsql's spans and pool metrics carry the name instead of the connection string.
                services.AddNpgsqlDataSource(postgres.ConnectionString, dataSource => dataSource.Name = "secretsdb");
                services.AddDbContextPool<SecretsDbContext>((provider, options) =>
                    options.UseNpgsql(provider.GetRequiredService<NpgsqlDataSource>()));
                services.AddScoped<ISecretRepository, PostgresSecretRepository>();
                services.AddScoped<IRequestRepository, PostgresRequestRepository>();
                services.AddSingleton<PostgresSchemaMigrator>();
                services.AddSingleton<IExpiredSecretsSweeper, PostgresExpiredSecretsSweeper>();
                services.AddHealthChecks().AddDbContextCheck<SecretsDbContext>(DatabaseHealthCheck, tags: [DatabaseHealthCheck]);
                break;

            case DynamoDbBackend dynamo:
                services.AddSingleton(dynamo);
                services.AddDefaultAWSOptions(DynamoDbClientOptions(dynamo, builder.Configuration));
                services.AddAWSService<IAmazonDynamoDB>();
                // One attempt (a call, or a change's read and commit) may take as long as one call's timeout.
                services.AddSingleton(new AttemptDeadline(DynamoDbCallTimeout));
                services.AddSingleton<DynamoDbSecretRepository>();
                services.AddSingleton<ISecretRepository>(provider => provider.GetRequiredService<DynamoDbSecretRepository>());
                services.AddSingleton<IRequestRepository, DynamoDbRequestRepository>();
                services.AddSingleton<DynamoDbTableProvisioner>();
                // One instance: it keeps the last probe's result for a few seconds.
                services.TryAddSingleton(TimeProvider.System);
                services.AddSingleton<DynamoDbHealthCheck>();
                services.AddHealthChecks().AddCheck<DynamoDbHealthCheck>(DatabaseHealthCheck, tags: [DatabaseHealthCheck]);
                break;
        }

        return backend;
    }

    /// <summary>
    /// The backend's <see cref="IExpiredSecretsSweeper"/>: the cleanup worker's call. On PostgreSQL it comes with the
    /// whole storage (<see cref="AddSecretStorage"/>, prepared at start as for the API). DynamoDB's TTL does the work
    /// there, so nothing else is registered: the worker neither connects, nor waits for the database, nor needs
    /// credentials.
    /// </summary>
    public static void AddExpiredSecretsSweeper(this IHostApplicationBuilder builder)
    {
        if (StorageBackend.Detect(builder.Configuration) is DynamoDbBackend dynamo)
        {
            builder.Services.AddSingleton<IExpiredSecretsSweeper>(new DynamoDbTtlSweeper(dynamo));
            return;
        }

        builder.AddSecretStorage();
    }

    /// <summary>
    /// Requires the audit keys (<c>SecretShare:Audit</c>) at start-up: the API's call. The cleanup worker appends
    /// nothing and never resolves the key ring, so it starts without a key.
    /// </summary>
    public static void RequireAuditKeys(this IServiceCollection services) => services.AddOptions<AuditOptions>().ValidateOnStart();

    /// <summary>How long one DynamoDB call, and one attempt of a storage operation, may take before the API answers 503.</summary>
    private static readonly TimeSpan DynamoDbCallTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The SDK's own settings (the <c>AWS</c> section, profiles, the credential chain) with SPEC's variables on top.</summary>
    private static AWSOptions DynamoDbClientOptions(DynamoDbBackend backend, IConfiguration configuration)
    {
        var options = configuration.GetAWSOptions();

        // Fail fast during an outage instead of holding requests for the SDK's long defaults.
        options.DefaultClientConfig.Timeout = DynamoDbCallTimeout;
        options.DefaultClientConfig.MaxErrorRetry = 2;
        if (backend.EndpointOverride is { } endpoint)
        {
            options.DefaultClientConfig.ServiceURL = endpoint;
            options.DefaultClientConfig.AuthenticationRegion = backend.Region ?? StorageBackend.DefaultRegion;

            // DynamoDB Local ignores credentials; spare developers from inventing some (and only them: see IsLocalDevelopment).
            if (backend.IsLocalDevelopment && string.IsNullOrEmpty(configuration[EnvironmentVariables.AwsAccessKeyId]))
            {
                options.Credentials = new BasicAWSCredentials(LocalDevelopment.AccessKeyId, LocalDevelopment.SecretAccessKey);
            }
        }
        else if (backend.Region is { } region)
        {
            options.Region = RegionEndpoint.GetBySystemName(region);
        }

        return options;
    }
}
