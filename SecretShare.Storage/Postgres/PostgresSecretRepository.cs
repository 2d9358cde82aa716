using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using SecretShare.Storage.Audit;
using SecretShare.Storage.Secrets;

namespace SecretShare.Storage.Postgres;

/// <summary>
/// PostgreSQL storage. The hot paths (create, read, reveal) are plain Npgsql commands: EF Core's per-call
/// overhead cost more CPU than the database did (docs/performance.md). Operations that change a row, possibly delete
/// it, and append their events run as one Npgsql batch, which PostgreSQL executes as one implicit transaction in a
/// single round trip; <c>secret_audit_append</c> and <c>secret_audit_append_view</c> (migration 0004) compute the
/// keyed chain in the database from the secret's HMAC pads passed with the statement, under the head's row lock; a new chain's first event is hashed here. Extend,
/// which is rare, goes through EF Core in an explicit transaction.
/// </summary>
internal sealed class PostgresSecretRepository(SecretsDbContext db, NpgsqlDataSource dataSource, IOptions<StorageOptions> options, AuditKeyRing keys)
    : ISecretRepository
{
    // Takes a view only while the token matches, the secret is live and views are left; the row lock
    // serialises racing reveals and the second statement deletes the row once the last view is taken. The first
    // appends 'viewed', and 'burned' too when no view is left (migration 0003), so the delete has no event of its own.
    private const string RevealSql = """
        WITH revealed AS (
            UPDATE secrets SET views = views + 1, failed_attempts = 0
            WHERE id = $1 AND access_hash = $2 AND expires_at > $3 AND (max_views IS NULL OR views < max_views)
            RETURNING id, encrypted_data, max_views, views, expires_at)
        SELECT encrypted_data, max_views, views, expires_at,
               secret_audit_append_view(id, $3, max_views - views, expires_at, $4, $5, $6)
        FROM revealed
        """;

    private const string DeleteBurnedSql = "DELETE FROM secrets WHERE id = $1 AND views >= max_views";

    private const string FailedAttemptSql = """
        WITH failed AS (
            UPDATE secrets SET failed_attempts = failed_attempts + 1
            WHERE id = $1 AND expires_at > $2
            RETURNING id, failed_attempts, max_views - views AS views_remaining, expires_at)
        SELECT failed_attempts, secret_audit_append(id, 'failed_attempt', $2, views_remaining, NULL, expires_at, $3, $4, $5)
        FROM failed
        """;

    private const string DeleteExhaustedSql = """
        WITH exhausted AS (DELETE FROM secrets WHERE id = $1 AND failed_attempts >= $2 RETURNING id, max_views - views AS views_remaining, expires_at)
        SELECT secret_audit_append(id, 'burned', $3, views_remaining, 'failed_attempts', expires_at, $4, $5, $6) FROM exhausted
        """;

    // The statement EF Core generated for SaveChanges of one SecretRow, column for column.
    private const string InsertSql = """
        INSERT INTO secrets (id, access_hash, created_at, encrypted_data, expires_at, extendable, failed_attempts, manage_hash, max_views, passphrase_protected, views)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
        """;

    // A new chain needs no lock or read: the head and the 'created' event (hashed in C#, EventChain) are plain inserts.
    private const string InsertHeadSql = """
        INSERT INTO secret_audit_heads (secret_id, manage_hash, last_seq, last_hash, expires_at, retain_until, key_id, head_mac)
        VALUES ($1, $2, $3, $4, $5, $5 + $6, $7, $8)
        """;

    private const string InsertEventSql = """
        INSERT INTO secret_events (secret_id, seq, type, occurred_at, views_remaining, detail, prev_hash, hash, key_id)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
        """;

    private const string FindSql = """
        SELECT id, access_hash, manage_hash, created_at, expires_at, max_views, views, failed_attempts, extendable, passphrase_protected
        FROM secrets
        WHERE id = $1
        """;

    private const string AppendExtendedSql = """
        SELECT secret_audit_append(id, 'extended', {0}, max_views - views, NULL, expires_at, {1}, {3}, {4}) FROM secrets WHERE id = {2}
        """;

    private const string DeleteSql = """
        WITH deleted AS (
            DELETE FROM secrets
            WHERE id = $1 AND expires_at > $3 AND (access_hash = $2 OR manage_hash = $2)
            RETURNING id, max_views - views AS views_remaining, expires_at, manage_hash = $2 AS by_creator)
        SELECT secret_audit_append(id, 'deleted', $3, views_remaining, CASE WHEN by_creator THEN 'creator' ELSE 'recipient' END, expires_at, $4, $5, $6)
        FROM deleted
        """;

    // One statement, so the head and the events come from one snapshot even while events are appended.
    private const string ReadTrailSql = """
        SELECT h.manage_hash, h.last_seq, h.last_hash, h.expires_at, h.closed,
               e.seq, e.type, e.occurred_at, e.views_remaining, e.detail, e.prev_hash, e.hash, e.key_id, h.key_id, h.head_mac
        FROM secret_audit_heads h
        LEFT JOIN secret_events e ON e.secret_id = h.secret_id
        WHERE h.secret_id = $1
        ORDER BY e.seq
        """;

    private const string RecordExpirySql = """
        SELECT secret_audit_append(secret_id, 'expired', expires_at, NULL, 'receipt', expires_at, $3, $4, $5)
        FROM secret_audit_heads
        WHERE secret_id = $1 AND NOT closed AND expires_at <= $2
        """;

    private TimeSpan Retention => options.Value.EventRetention;

    public async Task CreateAsync(NewSecret secret, CancellationToken cancellationToken)
    {
        var state = secret.State;
        await using var batch = dataSource.CreateBatch();
        var command = new NpgsqlBatchCommand(InsertSql);
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
        batch.BatchCommands.Add(command);
        var key = keys.Current;
        var created = EventChain.Next(key, state.Id, (0, EventChain.Genesis), SecretEventTypes.Created, state.CreatedAt, state.MaxViews);
        var headMac = EventChain.ComputeHeadMac(key, state.Id, created.Seq, created.Hash, closed: false, state.ExpiresAt);
        batch.BatchCommands.Add(Command(
            InsertHeadSql, Text(state.Id), Bytes(state.ManageHash), Int(created.Seq), Bytes(created.Hash), Time(state.ExpiresAt), Interval(Retention),
            Text(key.Id), Bytes(headMac)));
        batch.BatchCommands.Add(Command(
            InsertEventSql, Text(created.SecretId), Int(created.Seq), Text(created.Type), Time(created.OccurredAt), NullableInt(created.ViewsRemaining),
            NullableText(created.Detail), Bytes(created.PrevHash), Bytes(created.Hash), Text(key.Id)));
        await batch.ExecuteNonQueryAsync(cancellationToken);
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
        batch.BatchCommands.Add(Command(RevealSql, [Text(id), Bytes(accessHash), Time(now), Interval(Retention), .. ChainKey(id)]));
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
        batch.BatchCommands.Add(Command(FailedAttemptSql, [Text(id), Time(now), Interval(Retention), .. ChainKey(id)]));
        batch.BatchCommands.Add(Command(DeleteExhaustedSql, [Text(id), Int(maxFailedAttempts), Time(now), Interval(Retention), .. ChainKey(id)]));

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? reader.GetInt32(0) : null;
    }

    public async Task<SecretState?> TryExtendAsync(string id, byte[] accessHash, SecretExtension extension, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (addSeconds, addViews, latest, viewsLimit) =
            (extension.AddTime.TotalSeconds, extension.AddViews, extension.LatestExpiry, extension.ViewsLimit);

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var updated = await db.Secrets
            .Where(s => s.Id == id && s.AccessHash == accessHash && s.ExpiresAt > now && s.Extendable
                && (addViews == 0 || (s.MaxViews != null && s.MaxViews + addViews <= viewsLimit)))
            .ExecuteUpdateAsync(update => update
                .SetProperty(s => s.ExpiresAt, s => s.ExpiresAt.AddSeconds(addSeconds) < latest ? s.ExpiresAt.AddSeconds(addSeconds) : latest)
                .SetProperty(s => s.MaxViews, s => s.MaxViews + addViews)
                .SetProperty(s => s.FailedAttempts, 0), cancellationToken);

        // Zero rows means one of the conditions failed: the caller reads the state to say which.
        if (updated == 0)
        {
            return null;
        }

        await db.Database.ExecuteSqlRawAsync(AppendExtendedSql, [now, Retention, id, EventChain.SqlPads(keys.Current, id), keys.Current.Id], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return await FindAsync(id, cancellationToken);
    }

    public async Task<bool> TryDeleteAsync(string id, byte[] tokenHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(Command(DeleteSql, [Text(id), Bytes(tokenHash), Time(now), Interval(Retention), .. ChainKey(id)]));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken);
    }

    public async Task<AuditTrail?> ReadAuditTrailAsync(string id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ReadTrailSql);
        command.Parameters.Add(Text(id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        AuditHead? head = null;
        var events = new List<SecretEvent>();
        while (await reader.ReadAsync(cancellationToken))
        {
            head ??= new AuditHead(
                id, reader.GetFieldValue<byte[]>(0), reader.GetInt32(1), reader.GetFieldValue<byte[]>(2),
                reader.GetFieldValue<DateTimeOffset>(3), reader.GetBoolean(4),
                reader.IsDBNull(13) ? null : reader.GetString(13), reader.IsDBNull(14) ? null : reader.GetFieldValue<byte[]>(14));
            if (!reader.IsDBNull(5))
            {
                events.Add(new SecretEvent(
                    id, reader.GetInt32(5), reader.GetString(6), reader.GetFieldValue<DateTimeOffset>(7),
                    reader.IsDBNull(8) ? null : reader.GetInt32(8), reader.IsDBNull(9) ? null : reader.GetString(9),
                    reader.GetFieldValue<byte[]>(10), reader.GetFieldValue<byte[]>(11), reader.IsDBNull(12) ? null : reader.GetString(12)));
            }
        }

        return head is null ? null : new AuditTrail(head, events);
    }

    public async Task RecordExpiryAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(Command(RecordExpirySql, [Text(id), Time(now), Interval(Retention), .. ChainKey(id)]));
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The last two parameters of every statement that appends: this secret's HMAC pads and the current key's id.</summary>
    private NpgsqlParameter[] ChainKey(string id) => [Bytes(EventChain.SqlPads(keys.Current, id)), Text(keys.Current.Id)];

    private static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    private static NpgsqlParameter Text(string value) => new() { NpgsqlDbType = NpgsqlDbType.Text, Value = value };

    private static NpgsqlParameter Bytes(byte[] value) => new() { NpgsqlDbType = NpgsqlDbType.Bytea, Value = value };

    private static NpgsqlParameter Time(DateTimeOffset value) => new() { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = value };

    private static NpgsqlParameter Interval(TimeSpan value) => new() { NpgsqlDbType = NpgsqlDbType.Interval, Value = value };

    private static NpgsqlParameter Int(int value) => new() { NpgsqlDbType = NpgsqlDbType.Integer, Value = value };

    private static NpgsqlParameter NullableInt(int? value) =>
        new() { NpgsqlDbType = NpgsqlDbType.Integer, Value = value is { } number ? number : DBNull.Value };

    private static NpgsqlParameter NullableText(string? value) =>
        new() { NpgsqlDbType = NpgsqlDbType.Text, Value = value is null ? DBNull.Value : value };

    private static NpgsqlParameter Bool(bool value) => new() { NpgsqlDbType = NpgsqlDbType.Boolean, Value = value };
}
