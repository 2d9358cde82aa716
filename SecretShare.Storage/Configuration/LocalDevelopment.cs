namespace SecretShare.Storage.Configuration;

/// <summary>
/// The environment a local run gives the services: what the AppHost sets (it links this file) and what the tests start the real executables with.
/// </summary>
public static class LocalDevelopment
{
    public const string DynamoDbTable = "secretshare-secrets";
    public const string Region = "us-east-1";

    /// <summary>DynamoDB Local accepts any credentials; the SDK's chain still wants some.</summary>
    public const string AccessKeyId = "local";

    /// <inheritdoc cref="AccessKeyId"/>
    public const string SecretAccessKey = "local";

    public const string PostgresDatabase = "secretsdb";

    /// <summary>DynamoDB Local at <paramref name="endpoint"/>, in the variable Aspire's <c>WithReference</c> sets.</summary>
    public static Dictionary<string, string> DynamoDbEnvironment(string endpoint) => new()
    {
        [EnvironmentVariables.AwsEndpointUrlDynamoDb] = endpoint,
        [EnvironmentVariables.DynamoDbTable] = DynamoDbTable,
        [EnvironmentVariables.AwsRegion] = Region,
        [EnvironmentVariables.AwsAccessKeyId] = AccessKeyId,
        [EnvironmentVariables.AwsSecretAccessKey] = SecretAccessKey,
    };

    /// <summary>PostgreSQL, as a <c>postgresql://user:password@host:port/secretsdb</c> URL (Aspire's <c>UriExpression</c>).</summary>
    public static Dictionary<string, string> PostgresEnvironment(string databaseUrl) => new()
    {
        [EnvironmentVariables.DatabaseUrl] = databaseUrl,
    };
}
