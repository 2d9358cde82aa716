namespace SecretShare.Storage.Configuration;

/// <summary>
/// The environment variables that select and reach a backend (SPEC section 4). The AppHost links this
/// file so that what it sets and what the services read cannot drift apart.
/// </summary>
public static class EnvironmentVariables
{
    /// <summary>A <c>postgres://</c> or <c>postgresql://</c> URL; selects PostgreSQL.</summary>
    public const string DatabaseUrl = "DATABASE_URL";

    /// <summary>The DynamoDB table name; selects DynamoDB when <see cref="DatabaseUrl"/> is absent.</summary>
    public const string DynamoDbTable = "DYNAMODB_TABLE";

    /// <summary>An explicit DynamoDB endpoint (local development); wins over <see cref="AwsEndpointUrlDynamoDb"/>.</summary>
    public const string DynamoDbEndpoint = "DYNAMODB_ENDPOINT";

    /// <summary>The AWS SDK's service-specific endpoint variable, which Aspire's DynamoDB Local reference sets.</summary>
    public const string AwsEndpointUrlDynamoDb = "AWS_ENDPOINT_URL_DYNAMODB";

    /// <summary>The AWS region; also the signing region for an endpoint override.</summary>
    public const string AwsRegion = "AWS_REGION";

    /// <summary>Standard AWS SDK credential variables; local runs set dummy values.</summary>
    public const string AwsAccessKeyId = "AWS_ACCESS_KEY_ID";

    /// <inheritdoc cref="AwsAccessKeyId"/>
    public const string AwsSecretAccessKey = "AWS_SECRET_ACCESS_KEY";

    /// <summary>Where OpenTelemetry data goes; unset means no export.</summary>
    public const string OtlpEndpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";
}
