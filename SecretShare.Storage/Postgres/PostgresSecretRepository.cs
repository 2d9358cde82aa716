using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using SecretShare.Storage.Secrets;

namespace SecretShare.Storage.Postgres;

/// <summary>
/// PostgreSQL storage. The hot paths (create, read, reveal) are plain Npgsql commands: EF Core's per-call
/// overhead cost more CPU than the database did (docs/performance.md). The two operations that must update and
/// possibly delete a row atomically run as one Npgsql batch, which PostgreSQL executes as one implicit
/// transaction in a single round trip. Extend and delete, which are rare, go through EF Core.
/// </summary>
internal sealed class PostgresSecretRepository(SecretsDbContext db, NpgsqlDataSource dataSource) : ISecretRepository
{
    // Takes a view only while the token matches, the secret is live and views are left; the row lock
    // serialises racing reveals and the second statement deletes the row once the last view is taken.
    private const string RevealSql = """
        UPDATE secrets SET views = views + 1, failed_attempts = 0
        WHERE id = $1 AND access_hash = $2 AND expires_at > $3 AND (max_views IS NULL OR views < max_views)
        RETURNING encrypted_data, max_views, views, expires_at
        """;

    private const string DeleteBurnedSql = "DELETE FROM secrets WHERE id = $1 AND views >= max_views";

    private const string FailedAttemptSql = """
        UPDATE secrets SET failed_attempts = failed_attempts + 1
        WHERE id = $1 AND expires_at > $2
        RETURNING failed_attempts
        """;

    private const string DeleteExhaustedSql = "DELETE FROM secrets WHERE id = $1 AND failed_attempts >= $2";

    // The statement EF Core generated for SaveChanges of one SecretRow, column for column.
    private const string InsertSql = """
        INSERT INTO secrets (id, access_hash, created_at, encrypted_data, expires_at, extendable, failed_attempts, manage_hash, max_views, passphrase_protected, views)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
        """;

    private const string FindSql = """
        SELECT id, access_hash, manage_hash, created_at, expires_at, max_views, views, failed_attempts, extendable, passphrase_protected
        FROM secrets
        WHERE id = $1
        """;

    public async Task CreateAsync(NewSecret secret, CancellationToken cancellationToken)
    {
        var state = secret.State;
        await using var command = dataSource.CreateCommand(InsertSql);
        command.Parameters.Add(Text(state.Id));
        command.Parameters.Add(Bytes(state.AccessHash));
        command.Parameters.Add(Time(state.CreatedAt));
        command.Parameters.Add(Bytes(secret.Ciphertext));
        command.Parameters.Add(Time(state.ExpiresAt));
        command.Parameters.Add(Bool(state.Extendable));
        command.Parameters.Add(Int(state.FailedAttempts));
        command.Parameters.Add(Bytes(state.ManageHash));
        command.Parameters.Add(NullableInt(state.MaxViews));
        command.Parameters.Add(Bool(state.PassphraseProtected));
        command.Parameters.Add(Int(state.Views));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<SecretState?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(FindSql);
        command.Parameters.Add(Text(id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new SecretState(
            Id: reader.GetString(0),
            AccessHash: reader.GetFieldValue<byte[]>(1),
            ManageHash: reader.GetFieldValue<byte[]>(2),
            CreatedAt: reader.GetFieldValue<DateTimeOffset>(3),
            ExpiresAt: reader.GetFieldValue<DateTimeOffset>(4),
            MaxViews: reader.IsDBNull(5) ? null : reader.GetInt32(5),
            Views: reader.GetInt32(6),
            FailedAttempts: reader.GetInt32(7),
            Extendable: reader.GetBoolean(8),
            PassphraseProtected: reader.GetBoolean(9));
    }

    public async Task<RevealedSecret?> TryRevealAsync(string id, byte[] accessHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(Command(RevealSql, Text(id), Bytes(accessHash), Time(now)));
        batch.BatchCommands.Add(Command(DeleteBurnedSql, Text(id)));

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new RevealedSecret(
            Ciphertext: reader.GetFieldValue<byte[]>(0),
            MaxViews: reader.IsDBNull(1) ? null : reader.GetInt32(1),
            Views: reader.GetInt32(2),
            ExpiresAt: reader.GetFieldValue<DateTimeOffset>(3));
    }

    public async Task<int?> RecordFailedAttemptAsync(string id, DateTimeOffset now, int maxFailedAttempts, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(Command(FailedAttemptSql, Text(id), Time(now)));
        batch.BatchCommands.Add(Command(DeleteExhaustedSql, Text(id), Int(maxFailedAttempts)));

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? reader.GetInt32(0) : null;
    }

    public async Task<SecretState?> TryExtendAsync(string id, byte[] accessHash, SecretExtension extension, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (addSeconds, addViews, latest, viewsLimit) =
            (extension.AddTime.TotalSeconds, extension.AddViews, extension.LatestExpiry, extension.ViewsLimit);

        var updated = await db.Secrets
            .Where(s => s.Id == id && s.AccessHash == accessHash && s.ExpiresAt > now && s.Extendable
                && (addViews == 0 || (s.MaxViews != null && s.MaxViews + addViews <= viewsLimit)))
            .ExecuteUpdateAsync(update => update
                .SetProperty(s => s.ExpiresAt, s => s.ExpiresAt.AddSeconds(addSeconds) < latest ? s.ExpiresAt.AddSeconds(addSeconds) : latest)
                .SetProperty(s => s.MaxViews, s => s.MaxViews + addViews)
                .SetProperty(s => s.FailedAttempts, 0), cancellationToken);

        // Zero rows means one of the conditions failed: the caller reads the state to say which.
        return updated == 0 ? null : await FindAsync(id, cancellationToken);
    }

    public async Task<bool> TryDeleteAsync(string id, byte[] tokenHash, DateTimeOffset now, CancellationToken cancellationToken) =>
        await db.Secrets
            .Where(s => s.Id == id && s.ExpiresAt > now && (s.AccessHash == tokenHash || s.ManageHash == tokenHash))
            .ExecuteDeleteAsync(cancellationToken) > 0;

    private static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    private static NpgsqlParameter Text(string value) => new() { NpgsqlDbType = NpgsqlDbType.Text, Value = value };

    private static NpgsqlParameter Bytes(byte[] value) => new() { NpgsqlDbType = NpgsqlDbType.Bytea, Value = value };

    private static NpgsqlParameter Time(DateTimeOffset value) => new() { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = value };

    private static NpgsqlParameter Int(int value) => new() { NpgsqlDbType = NpgsqlDbType.Integer, Value = value };

    private static NpgsqlParameter NullableInt(int? value) =>
        new() { NpgsqlDbType = NpgsqlDbType.Integer, Value = value is { } number ? number : DBNull.Value };

    private static NpgsqlParameter Bool(bool value) => new() { NpgsqlDbType = NpgsqlDbType.Boolean, Value = value };
}
