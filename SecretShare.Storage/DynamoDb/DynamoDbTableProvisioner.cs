using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Logging;
using SecretShare.Storage.Configuration;

namespace SecretShare.Storage.DynamoDb;

/// <summary>
/// Local development only (an endpoint override is set): creates the table if missing and turns on TTL for
/// <c>expires_at</c>. In production the table is infrastructure's (deploy/).
/// </summary>
internal sealed partial class DynamoDbTableProvisioner(IAmazonDynamoDB dynamoDb, DynamoDbBackend backend, ILogger<DynamoDbTableProvisioner> logger)
{
    public async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (backend.EndpointOverride is null)
        {
            await dynamoDb.DescribeTableAsync(backend.TableName, cancellationToken);
            return;
        }

        try
        {
            await dynamoDb.CreateTableAsync(new CreateTableRequest
            {
                TableName = backend.TableName,
                KeySchema = [new KeySchemaElement(SecretItem.Id, KeyType.HASH)],
                AttributeDefinitions = [new AttributeDefinition(SecretItem.Id, ScalarAttributeType.S)],
                BillingMode = BillingMode.PAY_PER_REQUEST,
            }, cancellationToken);
            LogCreated(backend.TableName);
        }
        catch (ResourceInUseException)
        {
            // Already there, perhaps created a moment ago by another instance.
        }

        while ((await dynamoDb.DescribeTableAsync(backend.TableName, cancellationToken)).Table.TableStatus != TableStatus.ACTIVE)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }

        var ttl = await dynamoDb.DescribeTimeToLiveAsync(new DescribeTimeToLiveRequest { TableName = backend.TableName }, cancellationToken);
        if (ttl.TimeToLiveDescription?.TimeToLiveStatus is not { } status ||
            (status != TimeToLiveStatus.ENABLED && status != TimeToLiveStatus.ENABLING))
        {
            try
            {
                await dynamoDb.UpdateTimeToLiveAsync(new UpdateTimeToLiveRequest
                {
                    TableName = backend.TableName,
                    TimeToLiveSpecification = new TimeToLiveSpecification { AttributeName = SecretItem.ExpiresAt, Enabled = true },
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
