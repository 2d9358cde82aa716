using Npgsql;

namespace SecretShare.Storage.Postgres;

/// <summary>
/// Deletes expired rows (their expiry is recorded when a receipt is read), and audit trails past their retention,
/// in bounded batches, so that one pass never holds many locks or a long transaction.
/// </summary>
public sealed class ExpiredSecretsCleaner(NpgsqlDataSource dataSource)
{
    // SKIP LOCKED lets several cleanup instances, and live reveals, proceed without waiting on each other. The worker
    // holds no audit key, so it appends nothing: the 'expired' event is recorded when a receipt is read, as on
    // DynamoDB, and the trail's retention already counts from the expiry.
    private const string DeleteBatchSql = """
        WITH expired AS (
            DELETE FROM secrets
            WHERE id IN (
                SELECT id FROM secrets
                WHERE expires_at <= $1
                ORDER BY expires_at
                LIMIT $2
                FOR UPDATE SKIP LOCKED)
            RETURNING id)
        SELECT count(*) FROM expired
        """;

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

    /// <summary>Deletes every row that expired before <paramref name="now"/>; returns how many.</summary>
    public Task<int> DeleteExpiredAsync(DateTimeOffset now, int batchSize, CancellationToken cancellationToken) =>
        DeleteInBatchesAsync(DeleteBatchSql, now, batchSize, cancellationToken);

    /// <summary>Deletes every audit trail (head and events) whose retention ended before <paramref name="now"/>; returns how many.</summary>
    public Task<int> DeleteExpiredAuditTrailsAsync(DateTimeOffset now, int batchSize, CancellationToken cancellationToken) =>
        DeleteInBatchesAsync(DeleteTrailsBatchSql, now, batchSize, cancellationToken);

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
