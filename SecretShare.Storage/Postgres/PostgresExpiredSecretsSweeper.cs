using Npgsql;

namespace SecretShare.Storage.Postgres;

/// <summary>
/// Deletes expired rows (their expiry is recorded when a receipt is read), audit trails past their retention and
/// expired requests, in bounded batches, so that one pass never holds many locks or a long transaction.
/// </summary>
public sealed class PostgresExpiredSecretsSweeper(NpgsqlDataSource dataSource) : IExpiredSecretsSweeper
{
    // SKIP LOCKED lets several cleanup instances, and live reveals, proceed without waiting on each other. The worker
    // holds no audit key, so it appends nothing: the 'expired' event is recorded when a receipt is read, as on
    // DynamoDB, and the trail's retention already counts from the expiry.
    private static readonly string DeleteBatchSql = DeleteExpiredBatchSql("secrets");

    private const string DeleteTrailsBatchSql = """
        WITH heads AS (
            DELETE FROM secret_audit_heads
            WHERE secret_id IN (
                SELECT secret_id FROM secret_audit_heads
                WHERE retain_until <= $1
                ORDER BY retain_until
                LIMIT $2
                FOR UPDATE SKIP LOCKED)
            RETURNING secret_id),
        events AS (DELETE FROM secret_events WHERE secret_id IN (SELECT secret_id FROM heads))
        SELECT count(*) FROM heads
        """;

    // A request's answers are rows of secrets with the request's expiry: the batch of secrets deletes them.
    private static readonly string DeleteRequestsBatchSql = DeleteExpiredBatchSql("requests");

    public string? NothingToSweepBecause => null;

    public async Task<SweepCounts> SweepAsync(DateTimeOffset now, int batchSize, CancellationToken cancellationToken)
    {
        var secrets = await DeleteInBatchesAsync(DeleteBatchSql, now, batchSize, cancellationToken);
        var trails = await DeleteInBatchesAsync(DeleteTrailsBatchSql, now, batchSize, cancellationToken);
        var requests = await DeleteInBatchesAsync(DeleteRequestsBatchSql, now, batchSize, cancellationToken);
        return new SweepCounts(secrets, trails, requests);
    }

    private static string DeleteExpiredBatchSql(string table) => $"""
        WITH expired AS (
            DELETE FROM {table}
            WHERE id IN (
                SELECT id FROM {table}
                WHERE expires_at <= $1
                ORDER BY expires_at
                LIMIT $2
                FOR UPDATE SKIP LOCKED)
            RETURNING id)
        SELECT count(*) FROM expired
        """;

    private async Task<int> DeleteInBatchesAsync(string sql, DateTimeOffset now, int batchSize, CancellationToken cancellationToken)
    {
        var total = 0;
        long deleted;
        do
        {
            await using var command = dataSource.CreateCommand(sql);
            command.Parameters.Add(new NpgsqlParameter { Value = now });
            command.Parameters.Add(new NpgsqlParameter { Value = batchSize });

            deleted = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
            total += (int)deleted;
        }
        while (deleted == batchSize);

        return total;
    }
}
