using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Logging;
using SecretShare.Hosting;
using SecretShare.Storage.Configuration;

namespace SecretShare.Storage.DynamoDb;

/// <summary>
/// Local development only (<see cref="DynamoDbBackend.IsLocalDevelopment"/>): creates the secrets table and the events
/// table if missing and turns on TTL (<c>expires_at</c>, <c>retain_until</c>). Anywhere else the tables are
/// infrastructure's (deploy/) and must exist before start-up.
/// </summary>
internal sealed partial class DynamoDbTableProvisioner(IAmazonDynamoDB dynamoDb, DynamoDbBackend backend, ILogger<DynamoDbTableProvisioner> logger)
{
    public async Task EnsureTablesAsync(CancellationToken cancellationToken)
    {
        if (backend.IsLocalDevelopment)
        {
            await CreateTablesAsync(cancellationToken);
            return;
        }

        await RequireTableAsync(backend.TableName, cancellationToken);
        await RequireTableAsync(backend.EventsTableName, cancellationToken);
    }

    /// <summary>Creates both tables if missing, with TTL on: local development, and the test fixtures' DynamoDB Local.</summary>
    public async Task CreateTablesAsync(CancellationToken cancellationToken)
    {
        await EnsureTableAsync(
            backend.TableName,
            [new KeySchemaElement(SecretItem.Id, KeyType.HASH)],
            [new AttributeDefinition(SecretItem.Id, ScalarAttributeType.S)],
            SecretItem.ExpiresAt,
            cancellationToken);
        await EnsureTableAsync(
            backend.EventsTableName,
            [new KeySchemaElement(AuditItem.SecretId, KeyType.HASH), new KeySchemaElement(AuditItem.Seq, KeyType.RANGE)],
            [new AttributeDefinition(AuditItem.SecretId, ScalarAttributeType.S), new AttributeDefinition(AuditItem.Seq, ScalarAttributeType.N)],
            AuditItem.RetainUntil,
            cancellationToken);
    }

    private async Task RequireTableAsync(string table, CancellationToken cancellationToken)
    {
        try
        {
            await dynamoDb.DescribeTableAsync(table, cancellationToken);
        }
        catch (ResourceNotFoundException)
        {
            throw new StartupConfigurationException(
                $"DynamoDB table {table} does not exist{(backend.EndpointOverride is { } endpoint ? $" at {endpoint}" : "")}: create it first (deploy/). "
                + "Only in Development (ASPNETCORE_ENVIRONMENT=Development) with an endpoint override are the tables created at start-up.");
        }
    }

    private async Task EnsureTableAsync(
        string table, List<KeySchemaElement> keySchema, List<AttributeDefinition> attributes, string ttlAttribute, CancellationToken cancellationToken)
    {
        try
        {
            await dynamoDb.CreateTableAsync(new CreateTableRequest
            {
                TableName = table,
                KeySchema = keySchema,
                AttributeDefinitions = attributes,
                BillingMode = BillingMode.PAY_PER_REQUEST,
            }, cancellationToken);
            LogCreated(table);
        }
        catch (ResourceInUseException)
        {
            // Already there, perhaps created a moment ago by another instance.
        }

        while ((await dynamoDb.DescribeTableAsync(table, cancellationToken)).Table.TableStatus != TableStatus.ACTIVE)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }

        var ttl = await dynamoDb.DescribeTimeToLiveAsync(new DescribeTimeToLiveRequest { TableName = table }, cancellationToken);
        if (ttl.TimeToLiveDescription?.TimeToLiveStatus is not { } status ||
            (status != TimeToLiveStatus.ENABLED && status != TimeToLiveStatus.ENABLING))
        {
            try
            {
                await dynamoDb.UpdateTimeToLiveAsync(new UpdateTimeToLiveRequest
                {
                    TableName = table,
                    TimeToLiveSpecification = new TimeToLiveSpecification { AttributeName = ttlAttribute, Enabled = true },
                }, cancellationToken);
            }
            catch (AmazonDynamoDBException ex) when (ex.Message.Contains("already enabled", StringComparison.OrdinalIgnoreCase))
            {
                // Another instance enabled it between our describe and update.
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created DynamoDB table {Table}")]
    private partial void LogCreated(string table);
}
