// The SecretShare AppHost: the API and the cleanup worker against ONE backend, chosen by the `Backend` setting
// (appsettings.json, `dotnet run --project SecretShare.AppHost -- --Backend postgres`, or `Backend=postgres`).
// The database runs as a container when a container runtime answers, otherwise as a local executable
// (`DatabaseRuntime`). The services pick their backend from the variables set here (SPEC section 4); the names come
// from the linked SecretShare.Storage/Configuration/EnvironmentVariables.cs and LocalDevelopment.cs. See docs/aspire.md.

using Microsoft.Extensions.DependencyInjection;
using SecretShare.Storage.Configuration;

try
{
    // Reads appsettings.json, user secrets, environment variables and the command line into builder.Configuration.
    var builder = DistributedApplication.CreateBuilder(args);

    // Fails here, before anything starts, on a bad Backend, runtime, port or switch value.
    var settings = AppHostSettings.Read(builder.Configuration);
    var isRunMode = builder.ExecutionContext.IsRunMode;

    // The API: JSON API plus the web UI from its own origin. Its launch profile (if any) is ignored, so a plain
    // `dotnet run --project SecretShare.Api` and an Aspire run cannot interfere with each other.
    var api = builder.AddProject<Projects.SecretShare_Api>("api", options => options.ExcludeLaunchProfile = true)
        // Its HTTP endpoint, on a fixed local port (Api:HttpPort, 0 = any free port); publish mode leaves ports to the platform.
        .WithHttpEndpoint(port: isRunMode ? settings.ApiHttpPort : null)
        // Public: browsers reach it, and the manifest marks the binding external.
        .WithExternalHttpEndpoints()
        // Healthy only when /health (readiness, which includes the database) answers 200.
        .WithHttpHealthCheck("/health")
        // Api:Replicas instances behind the endpoint's proxy (1 by default); every one reveals through the same database.
        .WithReplicas(settings.ApiReplicas);

    // The cleanup worker: deletes expired rows on PostgreSQL, exits 0 on DynamoDB (TTL does the work there).
    var cleanup = builder.AddProject<Projects.SecretShare_Cleanup>("cleanup", options => options.ExcludeLaunchProfile = true);

    // Neither service serves HTTPS (the API's one endpoint is http; TLS belongs to whatever fronts it in production).
    // Without this, Aspire gives every project a developer-certificate HTTPS configuration, and on a machine with no
    // trusted developer certificate the dashboard opens every page with a red "No trusted development certificate"
    // error, even under the http launch profile. The https profile still needs one, for the dashboard itself.
#pragma warning disable ASPIRECERTIFICATES001 // Experimental in Aspire 13.6; the opt-out documented for resources that serve no TLS.
    api.WithoutHttpsCertificate();
    cleanup.WithoutHttpsCertificate();
#pragma warning restore ASPIRECERTIFICATES001

    if (isRunMode)
    {
        // Fails now with one line if the API's port is taken, rather than leaving the proxy unable to listen.
        LocalPorts.EnsureFree(settings.ApiHttpPort);
        // Without a launch profile nothing sets the environment: pass on the AppHost's (Development under its launch profile).
        api.WithEnvironment("ASPNETCORE_ENVIRONMENT", builder.Environment.EnvironmentName);
        // The proxy in front of the API's replicas connects from loopback: forwarded headers are believed from it only.
        api.WithEnvironment("SecretShare__ForwardedHeaders__TrustedProxies", "127.0.0.1, ::1");
        // The worker is a generic host, so it reads DOTNET_ENVIRONMENT.
        cleanup.WithEnvironment("DOTNET_ENVIRONMENT", builder.Environment.EnvironmentName);
        // One console line when the app is ready, and one for any resource that stops with an error.
        builder.Services.AddHostedService<ResourceStateReporter>();
    }

    IResourceBuilder<ProjectResource>[] services = [api, cleanup];

    // The audit key that keys every secret's event chain and signs receipts (docs/design.md, "Audit keys"): a secret
    // parameter, generated once and kept in this project's user secrets for local runs (43 characters of the base64
    // alphabet decode to the 32 bytes the API requires); a deployment supplies its own from a secret store. Only the
    // API gets it: the cleanup worker appends no events.
    const string AuditKeyId = "local";
    var auditKey = builder.AddParameter("audit-key", new GenerateParameterDefault { MinLength = 43, Special = false }, secret: true, persist: true);
    api
        // The id under which events record the key; a rotation adds a new id and keeps the old key (deploy/README.md).
        .WithEnvironment("SecretShare__Audit__CurrentKeyId", AuditKeyId)
        // The key itself, as a secret parameter: never a literal in a manifest.
        .WithEnvironment($"SecretShare__Audit__Keys__{AuditKeyId}", auditKey);

    var executables = isRunMode && UseExecutables(settings.DatabaseRuntime, builder.Configuration["ASPIRE_CONTAINER_RUNTIME"]);
    var data = executables ? LocalDataFolder.Create() : null;
    if (data is not null)
    {
        // Deletes the databases' data folder once the AppHost has stopped them.
        builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostedService>(data);
    }

    if (settings.ApiReplicas > 1)
    {
        // Replicas share their rate-limit counts in Redis (ConnectionStrings__redis); one instance counts in memory.
        // Not waited for: without it every replica still serves, counting on its own, and /health says Degraded.
        IResourceBuilder<IResourceWithConnectionString> redis = data is not null
            // Debian's redis-server, in memory.
            ? builder.AddRedisExecutable("redis", data)
            // The Redis container, with a generated password (kept in this project's user secrets).
            : builder.AddRedis("redis");
        api.WithReference(redis);
    }

    switch (settings.Backend)
    {
        case Backend.Postgres when data is not null:
        {
            // PostgreSQL from the machine's binaries, in a temporary cluster that the AppHost deletes when it stops.
            var postgres = builder.AddPostgresExecutable("postgres", LocalDevelopment.PostgresDatabase, data);

            foreach (var service in services)
            {
                service
                    // DATABASE_URL as postgresql://postgres@host:port/secretsdb selects the PostgreSQL backend.
                    .WithEnvironment(EnvironmentVariables.DatabaseUrl, postgres.DatabaseUrl(LocalDevelopment.PostgresDatabase))
                    // Starts once the database answers; gives up (instead of waiting forever) if it cannot start.
                    .WaitFor(postgres, WaitBehavior.StopOnResourceUnavailable);
            }

            break;
        }

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
            IResourceBuilder<IResourceWithEndpoints> dynamoDb = data is not null
                // DynamoDB Local from the npm package on the machine's Java, on disk in the AppHost's data folder.
                ? builder.AddDynamoDbLocalExecutable("dynamodb", data)
                // Amazon's DynamoDB Local image, in memory; a local stand-in, so it never goes into a manifest.
                : builder.AddContainer("dynamodb", "amazon/dynamodb-local", "3.3.0")
                    .WithHttpEndpoint(targetPort: 8000, name: "http")
                    .WithArgs("-jar", "DynamoDBLocal.jar", "-inMemory", "-sharedDb", "-disableTelemetry")
                    .WithHttpHealthCheck("/", statusCode: 400)
                    .ExcludeFromManifest();

            foreach (var service in services)
            {
                service
                    // DYNAMODB_TABLE selects the DynamoDB backend; with an endpoint override the API creates the table.
                    .WithEnvironment(EnvironmentVariables.DynamoDbTable, settings.DynamoDbTable)
                    // The region the SDK signs requests for.
                    .WithEnvironment(EnvironmentVariables.AwsRegion, settings.AwsRegion);

                if (isRunMode)
                {
                    service
                        // AWS_ENDPOINT_URL_DYNAMODB: the SDK's own endpoint override, pointing at DynamoDB Local.
                        .WithEnvironment(EnvironmentVariables.AwsEndpointUrlDynamoDb, dynamoDb.GetEndpoint("http"))
                        // Dummy credentials for the SDK's chain: DynamoDB Local accepts any. Never written to a manifest.
                        .WithEnvironment(EnvironmentVariables.AwsAccessKeyId, LocalDevelopment.AccessKeyId)
                        // The matching dummy secret key.
                        .WithEnvironment(EnvironmentVariables.AwsSecretAccessKey, LocalDevelopment.SecretAccessKey)
                        // Starts once DynamoDB Local answers; gives up (instead of waiting forever) if it cannot start.
                        .WaitFor(dynamoDb, WaitBehavior.StopOnResourceUnavailable);
                }
            }

            break;
        }
    }

    // Starts the dashboard, the databases and the projects (or writes the manifest with --publisher manifest).
    builder.Build().Run();
    return 0;
}
catch (AppHostSettingsException exception)
{
    Console.Error.WriteLine($"SecretShare.AppHost: {exception.Message}");
    return 1;
}

// Containers when asked for, or when a container runtime answers; otherwise executables. Says which, once.
static bool UseExecutables(DatabaseRuntime runtime, string? containerRuntime)
{
    if (runtime != DatabaseRuntime.Auto)
    {
        Console.WriteLine($"SecretShare.AppHost: databases run as {(runtime == DatabaseRuntime.Executable ? "local executables" : "containers")} (DatabaseRuntime={runtime.ToString().ToLowerInvariant()}).");
        return runtime == DatabaseRuntime.Executable;
    }

    var (healthy, detail) = ContainerRuntimeProbe.Probe(containerRuntime);
    Console.WriteLine(healthy
        ? $"SecretShare.AppHost: databases run as containers ({detail} answered)."
        : $"SecretShare.AppHost: databases run as local executables: no container runtime answered ({detail}).");
    return !healthy;
}
