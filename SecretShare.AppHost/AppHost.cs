// The SecretShare AppHost: the API and the cleanup worker against ONE backend, chosen by the `Backend` setting
// (appsettings.json, `dotnet run --project SecretShare.AppHost -- --Backend postgres`, or `Backend=postgres`).
// Only the selected backend's container is added: a container resource without a container runtime never starts.
// The services pick their backend from the variables set here (SPEC section 4); the names come from the
// linked SecretShare.Storage/Configuration/EnvironmentVariables.cs and LocalDevelopment.cs. See docs/aspire.md.

using System.Globalization;
using Aspire.Hosting.AWS.DynamoDB;
using Microsoft.Extensions.Configuration;
using SecretShare.Storage.Configuration;

// Reads appsettings.json, user secrets, environment variables and the command line into builder.Configuration.
var builder = DistributedApplication.CreateBuilder(args);

// Fails here, before anything starts, on a bad Backend, port or switch value.
var settings = AppHostSettings.Read(builder.Configuration);
var isRunMode = builder.ExecutionContext.IsRunMode;

// The API: JSON API plus the web UI from its own origin. Its launchSettings.json (if any) is ignored, so what a plain
// `dotnet run --project SecretShare.Api` does and what Aspire does cannot interfere with each other.
var api = builder.AddProject<Projects.SecretShare_Api>("api", options => options.ExcludeLaunchProfile = true)
    // Its HTTP endpoint, on a fixed local port (Api:HttpPort, 0 = any free port); publish mode leaves ports to the platform.
    .WithHttpEndpoint(port: isRunMode ? settings.ApiHttpPort : null)
    // Public: browsers reach it, and the manifest marks the binding external.
    .WithExternalHttpEndpoints()
    // Healthy only when /health (readiness, which includes the database) answers 200.
    .WithHttpHealthCheck("/health");

// The cleanup worker: deletes expired rows on PostgreSQL, exits 0 on DynamoDB (TTL does the work there).
var cleanup = builder.AddProject<Projects.SecretShare_Cleanup>("cleanup", options => options.ExcludeLaunchProfile = true);

if (isRunMode)
{
    // Without a launch profile nothing sets the environment: pass on the AppHost's (Development under its launch profile).
    api.WithEnvironment("ASPNETCORE_ENVIRONMENT", builder.Environment.EnvironmentName);
    // The worker is a generic host, so it reads DOTNET_ENVIRONMENT.
    cleanup.WithEnvironment("DOTNET_ENVIRONMENT", builder.Environment.EnvironmentName);
}

IResourceBuilder<ProjectResource>[] services = [api, cleanup];

switch (settings.Backend)
{
    case Backend.Postgres:
    {
        // A PostgreSQL container; its generated password is kept in this project's user secrets.
        var postgres = builder.AddPostgres("postgres");

        if (settings.PostgresDataVolume)
        {
            // Keeps the data in a named volume across AppHost runs (Postgres:DataVolume).
            postgres.WithDataVolume();
        }

        if (settings.PgAdmin)
        {
            // A pgAdmin container already connected to the server (Postgres:PgAdmin).
            postgres.WithPgAdmin();
        }

        // The application database, created in that server when it starts.
        var database = postgres.AddDatabase(LocalDevelopment.PostgresDatabase);

        foreach (var service in services)
        {
            service
                // DATABASE_URL as postgresql://user:password@host:port/secretsdb selects the PostgreSQL backend.
                .WithEnvironment(EnvironmentVariables.DatabaseUrl, database.Resource.UriExpression)
                // Starts only once the database answers its health check.
                .WaitFor(database);
        }

        break;
    }

    case Backend.DynamoDb:
    {
        // Amazon's DynamoDB Local image: in memory, one database for every key and region, no telemetry.
        var dynamoDb = builder.AddAWSDynamoDBLocal("dynamodb", new DynamoDBLocalOptions
        {
            InMemory = true,
            SharedDb = true,
            DisableDynamoDBLocalTelemetry = true,
        });

        foreach (var service in services)
        {
            service
                // AWS_ENDPOINT_URL_DYNAMODB = the container's endpoint (run mode only; nothing in the manifest).
                .WithReference(dynamoDb)
                // DYNAMODB_TABLE selects the DynamoDB backend; with an endpoint override the API creates the table.
                .WithEnvironment(EnvironmentVariables.DynamoDbTable, settings.DynamoDbTable)
                // The region the SDK signs requests for.
                .WithEnvironment(EnvironmentVariables.AwsRegion, settings.AwsRegion)
                // Starts only once the container is running.
                .WaitFor(dynamoDb);

            if (isRunMode)
            {
                service
                    // Dummy credentials for the SDK's chain: DynamoDB Local accepts any. Never written to a manifest.
                    .WithEnvironment(EnvironmentVariables.AwsAccessKeyId, LocalDevelopment.AccessKeyId)
                    // The matching dummy secret key.
                    .WithEnvironment(EnvironmentVariables.AwsSecretAccessKey, LocalDevelopment.SecretAccessKey);
            }
        }

        break;
    }
}

// Starts the dashboard, the containers and the projects (or writes the manifest with --publisher manifest).
builder.Build().Run();

/// <summary>The storage backend the AppHost wires the services to.</summary>
internal enum Backend
{
    DynamoDb,
    Postgres,
}

/// <summary>The AppHost's own settings, read once and validated with messages that say what to write instead.</summary>
internal sealed record AppHostSettings(
    Backend Backend,
    int? ApiHttpPort,
    bool PostgresDataVolume,
    bool PgAdmin,
    string DynamoDbTable,
    string AwsRegion)
{
    public static AppHostSettings Read(IConfiguration configuration) => new(
        ReadBackend(configuration),
        ReadPort(configuration, "Api:HttpPort", fallback: 5080),
        ReadSwitch(configuration, "Postgres:DataVolume"),
        ReadSwitch(configuration, "Postgres:PgAdmin"),
        ReadText(configuration, "DynamoDb:TableName", fallback: LocalDevelopment.DynamoDbTable),
        ReadText(configuration, "DynamoDb:Region", fallback: LocalDevelopment.Region));

    private static Backend ReadBackend(IConfiguration configuration)
    {
        var value = configuration["Backend"];
        return value?.Trim().ToLowerInvariant() switch
        {
            null or "" or "dynamodb" => Backend.DynamoDb,
            "postgres" or "postgresql" => Backend.Postgres,
            _ => throw new InvalidOperationException(
                $"Invalid Backend '{value}': use 'dynamodb' (the default) or 'postgres', for example " +
                "`dotnet run --project SecretShare.AppHost -- --Backend postgres`."),
        };
    }

    private static int? ReadPort(IConfiguration configuration, string key, int fallback)
    {
        var value = configuration[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new InvalidOperationException($"Invalid {key} '{value}': use a port number from 1 to 65535, or 0 for any free port.");
        }

        return port == 0 ? null : port;
    }

    private static bool ReadSwitch(IConfiguration configuration, string key)
    {
        var value = configuration[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        return bool.TryParse(value, out var enabled)
            ? enabled
            : throw new InvalidOperationException($"Invalid {key} '{value}': use true or false.");
    }

    private static string ReadText(IConfiguration configuration, string key, string fallback)
    {
        var value = configuration[key];
        return string.IsNullOrWhiteSpace(value) ? fallback : value.Trim();
    }
}
