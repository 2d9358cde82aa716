using Amazon.DynamoDBv2;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SecretShare.Storage.Configuration;

namespace SecretShare.Storage.DynamoDb;

/// <summary>
/// Ready when the table answers a describe call. DescribeTable is a control-plane call with a low account-wide rate, and
/// <c>/health</c> is open to anyone: one call answers every probe for a few seconds, and concurrent probes share it.
/// </summary>
internal sealed class DynamoDbHealthCheck(IAmazonDynamoDB dynamoDb, DynamoDbBackend backend, TimeProvider time) : IHealthCheck
{
    /// <summary>Well below any orchestrator's probe interval, so an outage still shows at the next probe but one.</summary>
    internal static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);

    private readonly Lock gate = new();
    private Task<HealthCheckResult>? last;
    private long lastStarted;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            if (last is null || (last.IsCompleted && time.GetElapsedTime(lastStarted) >= CacheFor))
            {
                lastStarted = time.GetTimestamp();
                // Not the probe's token: one probe giving up must not fail the call the others wait for.
                last = DescribeAsync();
            }

            return last.WaitAsync(cancellationToken);
        }
    }

    private async Task<HealthCheckResult> DescribeAsync()
    {
        try
        {
            var response = await dynamoDb.DescribeTableAsync(backend.TableName);
            return response.Table.TableStatus == "ACTIVE"
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"Table status {response.Table.TableStatus}");
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy("DynamoDB is unreachable", ex);
        }
    }
}
