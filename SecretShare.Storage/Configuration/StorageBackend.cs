using Microsoft.Extensions.Configuration;
using Npgsql;
using SecretShare.Hosting;

namespace SecretShare.Storage.Configuration;

/// <summary>The backend selected from the environment at start-up (SPEC section 4).</summary>
public abstract record StorageBackend
{
    public const string DefaultRegion = LocalDevelopment.Region;

    /// <summary>Reads <c>DATABASE_URL</c>, then <c>DYNAMODB_TABLE</c>; neither is a configuration error.</summary>
    public static StorageBackend Detect(IConfiguration configuration)
    {
        var databaseUrl = configuration[EnvironmentVariables.DatabaseUrl];
        if (!string.IsNullOrWhiteSpace(databaseUrl))
        {
            return new PostgresBackend(PostgresUrl.ToConnectionString(databaseUrl));
        }

        var table = configuration[EnvironmentVariables.DynamoDbTable];
        if (!string.IsNullOrWhiteSpace(table))
        {
            var endpoint = NullIfBlank(configuration[EnvironmentVariables.DynamoDbEndpoint])
                ?? NullIfBlank(configuration[EnvironmentVariables.AwsEndpointUrlDynamoDb]);
            if (endpoint is not null && !Uri.TryCreate(endpoint, UriKind.Absolute, out _))
            {
                throw new StartupConfigurationException($"Invalid DynamoDB endpoint: '{endpoint}' is not an absolute URL");
            }

            return new DynamoDbBackend(table.Trim(), endpoint, NullIfBlank(configuration[EnvironmentVariables.AwsRegion]));
        }

        throw new StartupConfigurationException(
            $"No database configured. Set {EnvironmentVariables.DatabaseUrl} or {EnvironmentVariables.DynamoDbTable}");
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>PostgreSQL, reached through an Npgsql connection string built from <c>DATABASE_URL</c>.</summary>
public sealed record PostgresBackend(string ConnectionString) : StorageBackend
{
    /// <summary>Host and database only: safe to log, unlike the connection string.</summary>
    public string Describe()
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
        return $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database}";
    }
}

/// <summary>DynamoDB, at AWS or at an endpoint override.</summary>
public sealed record DynamoDbBackend(string TableName, string? EndpointOverride, string? Region) : StorageBackend
{
    /// <summary>
    /// An endpoint override in the Development environment: DynamoDB Local. Only then are dummy credentials used when none
    /// are set, and the tables created if missing. Anywhere else (an override can name a VPC endpoint or a compatible
    /// service) the SDK's standard credential chain applies and the tables must exist: a typo in a variable must not make a
    /// production service sign with made-up keys or write into a new, empty table.
    /// </summary>
    public bool IsLocalDevelopment { get; init; }

    /// <summary>The audit trails' table: the secrets table's name with <c>-events</c> appended.</summary>
    public string EventsTableName => TableName + "-events";

    public string Describe() => EndpointOverride is null
        ? $"DynamoDB table {TableName} in {Region ?? "the default region"}"
        : $"DynamoDB table {TableName} at {EndpointOverride}";
}
