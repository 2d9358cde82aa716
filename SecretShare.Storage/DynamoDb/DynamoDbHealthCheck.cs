using Amazon.DynamoDBv2;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SecretShare.Storage.Configuration;

namespace SecretShare.Storage.DynamoDb;

/// <summary>Ready when the table answers a describe call.</summary>
internal sealed class DynamoDbHealthCheck(IAmazonDynamoDB dynamoDb, DynamoDbBackend backend) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var response = await dynamoDb.DescribeTableAsync(backend.TableName, cancellationToken);
            return response.Table.TableStatus == "ACTIVE"
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"Table status {response.Table.TableStatus}");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("DynamoDB is unreachable", ex);
        }
    }
}
