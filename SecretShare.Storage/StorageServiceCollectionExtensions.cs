using Amazon;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using SecretShare.Storage.Configuration;
using SecretShare.Storage.DynamoDb;
using SecretShare.Storage.Postgres;
using SecretShare.Storage.Secrets;

namespace SecretShare.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>Name and tag of the readiness check that includes the database.</summary>
    public const string DatabaseHealthCheck = "database";

    /// <summary>
    /// Detects the backend from the environment and registers its repository, its health check and a
    /// <see cref="StorageInitializer"/>. Throws <see cref="StartupConfigurationException"/> when misconfigured.
    /// </summary>
    public static StorageBackend AddSecretStorage(this IHostApplicationBuilder builder)
    {
        var backend = StorageBackend.Detect(builder.Configuration);
        var services = builder.Services;
        services.AddSingleton(backend);
        services.AddSingleton<StorageInitializer>();
        services.AddOptions<StorageOptions>().BindStartupConfiguration(StorageOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        switch (backend)
        {
            case PostgresBackend postgres:
                services.AddSingleton(_ => new NpgsqlDataSourceBuilder(postgres.ConnectionString) { Name = "secretsdb" }.Build());
                services.AddDbContextPool<SecretsDbContext>((provider, options) =>
                    options.UseNpgsql(provider.GetRequiredService<NpgsqlDataSource>()));
                services.AddScoped<ISecretRepository, PostgresSecretRepository>();
                services.AddSingleton<PostgresSchemaMigrator>();
                services.AddSingleton<ExpiredSecretsCleaner>();
                services.AddHealthChecks().AddDbContextCheck<SecretsDbContext>(DatabaseHealthCheck, tags: [DatabaseHealthCheck]);
                break;

            case DynamoDbBackend dynamo:
                services.AddSingleton(dynamo);
                services.AddSingleton<IAmazonDynamoDB>(_ => CreateDynamoDbClient(dynamo, builder.Configuration));
                services.AddSingleton<ISecretRepository, DynamoDbSecretRepository>();
                services.AddSingleton<DynamoDbTableProvisioner>();
                services.AddHealthChecks().AddCheck<DynamoDbHealthCheck>(DatabaseHealthCheck, tags: [DatabaseHealthCheck]);
                break;
        }

        return backend;
    }

    private static AmazonDynamoDBClient CreateDynamoDbClient(DynamoDbBackend backend, IConfiguration configuration)
    {
        var config = new AmazonDynamoDBConfig
        {
            // Fail fast during an outage instead of holding requests for the SDK's long defaults.
            Timeout = TimeSpan.FromSeconds(5),
            MaxErrorRetry = 2,
        };
        if (backend.EndpointOverride is { } endpoint)
        {
            config.ServiceURL = endpoint;
            config.AuthenticationRegion = backend.Region ?? StorageBackend.DefaultRegion;

            // A local endpoint ignores credentials; spare developers from inventing some.
            if (string.IsNullOrEmpty(configuration[EnvironmentVariables.AwsAccessKeyId]))
            {
                return new AmazonDynamoDBClient(new BasicAWSCredentials("local", "local"), config);
            }
        }
        else if (backend.Region is { } region)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        return new AmazonDynamoDBClient(config);
    }
}
