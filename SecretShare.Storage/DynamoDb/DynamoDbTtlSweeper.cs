using SecretShare.Storage.Configuration;

namespace SecretShare.Storage.DynamoDb;

/// <summary>DynamoDB deletes expired items itself, by TTL (deploy/): the worker has nothing to do, and connects to nothing.</summary>
public sealed class DynamoDbTtlSweeper(DynamoDbBackend backend) : IExpiredSecretsSweeper
{
    public string? NothingToSweepBecause =>
        $"DynamoDB TTL on expires_at removes expired secrets from {backend.TableName}, and on retain_until audit trails past retention from {backend.EventsTableName}; nothing to clean up";

    public Task<SweepCounts> SweepAsync(DateTimeOffset now, int batchSize, CancellationToken cancellationToken) =>
        Task.FromResult(default(SweepCounts));
}
