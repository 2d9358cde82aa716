using SecretShare.Storage.Configuration;

/// <summary>
/// The database of one backend and what a service needs to use it: the variables that select the backend (SPEC
/// section 4; names from the linked EnvironmentVariables.cs) and a wait for the database to answer.
/// </summary>
internal sealed class SecretStore(Action<IResourceBuilder<ProjectResource>> connect)
{
    public void Connect(IResourceBuilder<ProjectResource> service) => connect(service);
}

internal static class SecretStoreExtensions
{
    public static SecretStore AddSecretStore(this IDistributedApplicationBuilder builder, AppHostSettings settings, DatabaseHosting hosting) =>
        settings.Backend switch
        {
            Backend.Postgres when hosting.LocalData is { } data => builder.AddLocalPostgres(data),
            Backend.Postgres => builder.AddPostgresContainer(settings),
            _ => builder.AddDynamoDb(settings, hosting.LocalData),
        };

    public static IResourceBuilder<ProjectResource> WithSecretStore(this IResourceBuilder<ProjectResource> service, SecretStore store)
    {
        store.Connect(service);
        return service;
    }

    private static SecretStore AddLocalPostgres(this IDistributedApplicationBuilder builder, LocalDataFolder data)
    {
        var postgres = builder.AddPostgresExecutable("postgres", LocalDevelopment.PostgresDatabase, data);
        return new SecretStore(service => service
            .WithEnvironment(EnvironmentVariables.DatabaseUrl, postgres.DatabaseUrl(LocalDevelopment.PostgresDatabase))
            // An executable that cannot start would otherwise leave the services waiting forever.
            .WaitFor(postgres, WaitBehavior.StopOnResourceUnavailable));
    }

    private static SecretStore AddPostgresContainer(this IDistributedApplicationBuilder builder, AppHostSettings settings)
    {
        // Its generated password is kept in this project's user secrets.
        var postgres = builder.AddPostgres("postgres");
        if (settings.PostgresDataVolume)
        {
            postgres.WithDataVolume();
        }

        if (settings.PgAdmin)
        {
            postgres.WithPgAdmin();
        }

        var database = postgres.AddDatabase(LocalDevelopment.PostgresDatabase);
        return new SecretStore(service => service
            .WithEnvironment(EnvironmentVariables.DatabaseUrl, database.Resource.UriExpression)
            .WaitFor(database));
    }

    private static SecretStore AddDynamoDb(this IDistributedApplicationBuilder builder, AppHostSettings settings, LocalDataFolder? data)
    {
        IResourceBuilder<IResourceWithEndpoints> dynamoDb = data is not null
            ? builder.AddDynamoDbLocalExecutable("dynamodb", data)
            // In memory; a local stand-in for the real service, so it never goes into a manifest.
            : builder.AddContainer("dynamodb", "amazon/dynamodb-local", "3.3.0")
                .WithHttpEndpoint(targetPort: 8000, name: "http")
                .WithArgs("-jar", "DynamoDBLocal.jar", "-inMemory", "-sharedDb", "-disableTelemetry")
                // DynamoDB Local answers 400 to a plain GET once it serves requests.
                .WithHttpHealthCheck("/", statusCode: 400)
                .ExcludeFromManifest();
        var isRunMode = builder.ExecutionContext.IsRunMode;

        return new SecretStore(service =>
        {
            service
                .WithEnvironment(EnvironmentVariables.DynamoDbTable, settings.DynamoDbTable)
                .WithEnvironment(EnvironmentVariables.AwsRegion, settings.AwsRegion);
            if (isRunMode)
            {
                // DynamoDB Local and its dummy credentials (it accepts any): never written to a manifest. With an
                // endpoint override in Development the API creates the tables.
                service
                    .WithEnvironment(EnvironmentVariables.AwsEndpointUrlDynamoDb, dynamoDb.GetEndpoint("http"))
                    .WithEnvironment(EnvironmentVariables.AwsAccessKeyId, LocalDevelopment.AccessKeyId)
                    .WithEnvironment(EnvironmentVariables.AwsSecretAccessKey, LocalDevelopment.SecretAccessKey)
                    .WaitFor(dynamoDb, WaitBehavior.StopOnResourceUnavailable);
            }
        });
    }
}
