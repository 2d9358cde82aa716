using Npgsql;

namespace SecretShare.Storage.Postgres;

/// <summary>Deletes expired rows in bounded batches, so that one pass never holds many locks or a long transaction.</summary>
public sealed class ExpiredSecretsCleaner(NpgsqlDataSource dataSource)
{
    // SKIP LOCKED lets several cleanup instances, and live reveals, proceed without waiting on each other.
    private const string DeleteBatchSql = """
        DELETE FROM secrets
        WHERE id IN (
            SELECT id FROM secrets
            WHERE expires_at <= $1
            ORDER BY expires_at
            LIMIT $2
            FOR UPDATE SKIP LOCKED)
        """;

    /// <summary>Deletes every row that expired before <paramref name="now"/>; returns how many.</summary>
    public async Task<int> DeleteExpiredAsync(DateTimeOffset now, int batchSize, CancellationToken cancellationToken)
    {
        var total = 0;
        int deleted;
        do
        {
            await using var command = dataSource.CreateCommand(DeleteBatchSql);
            command.Parameters.Add(new NpgsqlParameter { Value = now });
            command.Parameters.Add(new NpgsqlParameter { Value = batchSize });
            deleted = await command.ExecuteNonQueryAsync(cancellationToken);
            total += deleted;
        }
        while (deleted == batchSize);

        return total;
    }
}
