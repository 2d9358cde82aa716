using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using SecretShare.Storage.Audit;
using SecretShare.Storage.Secrets;

namespace SecretShare.Storage.Postgres;

/// <summary>
/// PostgreSQL storage, in plain Npgsql commands (EF Core's per-call overhead cost more CPU than the database did,
/// docs/performance.md). Creation is one batch: the row, the audit head and the 'created' event hashed in C#
/// (<see cref="EventChain"/>); PostgreSQL runs a batch as one implicit transaction in one round trip. Reveal, extend
/// and delete are each one call of a function of migration 0004 that locks the secret's row, compares the token, and
/// makes the change or counts the failed attempt, with its events: one decision, one round trip, whose answer says
/// what happened. Every batch that may append first hands the transaction the secret's audit key material
/// (<see cref="PostgresAuditKeys"/>, migration 0005), with which the database keys the events it appends.
/// </summary>
internal sealed class PostgresSecretRepository(NpgsqlDataSource dataSource, IOptions<StorageOptions> options, AuditKeyRing keys) : ISecretRepository
{
    private const string InsertSql = """
        INSERT INTO secrets (id, access_hash, created_at, encrypted_data, expires_at, expires_at_limit, extendable, failed_attempts, manage_hash, max_views, passphrase_protected, views)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
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

    private const string FindLiveSql = """
        SELECT id, access_hash, manage_hash, created_at, expires_at, expires_at_limit, max_views, views, failed_attempts, extendable, passphrase_protected
        FROM secrets s
        WHERE id = $1 AND secret_is_live(s, $2)
        """;

    // The columns of secret_decision, in order.
    private const string DecisionColumns =
        "outcome, attempts_remaining, encrypted_data, created_at, expires_at, max_views, views, extendable, passphrase_protected, deleted_by";

    private const string RevealSql = $"SELECT {DecisionColumns} FROM secret_reveal($1, $2, $3, $4, $5)";

    private const string ExtendSql = $"SELECT {DecisionColumns} FROM secret_extend($1, $2, $3, $4, $5, $6, $7, $8, $9)";

    private const string DeleteSql = $"SELECT {DecisionColumns} FROM secret_delete($1, $2, $3, $4, $5)";

    // One statement, so the head and the events come from one snapshot even while events are appended.
    private const string ReadTrailSql = """
        SELECT h.manage_hash, h.last_seq, h.last_hash, h.expires_at, h.closed,
               h.folded_viewed, h.folded_extended, h.folded_failed_attempts,
               e.seq, e.type, e.occurred_at, e.views_remaining, e.detail, e.prev_hash, e.hash, e.key_id, h.key_id, h.head_mac
        FROM secret_audit_heads h
        LEFT JOIN secret_events e ON e.secret_id = h.secret_id
        WHERE h.secret_id = $1
        ORDER BY e.seq
        """;

    private const string RecordExpirySql = """
        SELECT secret_audit_append(secret_id, 'expired', expires_at, NULL, 'receipt', expires_at, $3)
        FROM secret_audit_heads
        WHERE secret_id = $1 AND NOT closed AND expires_at <= $2
        """;

    // Hands this transaction the secret's id, the current key id and every configured key's HMAC pads for this secret
    // ("id:hex,id:hex"), for secret_audit_record; local to the transaction, never stored (docs/design.md, "Audit keys").
    private TimeSpan Retention => options.Value.EventRetention;

    public async Task CreateAsync(NewSecret secret, CancellationToken cancellationToken)
    {
        var state = secret.State;
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(Command(
            InsertSql, Text(state.Id), Bytes(state.AccessHash), Time(state.CreatedAt), Bytes(secret.Ciphertext), Time(state.ExpiresAt),
            Time(state.ExpiresAtLimit), Bool(state.Extendable), Int(state.FailedAttempts), Bytes(state.ManageHash), NullableInt(state.MaxViews),
            Bool(state.PassphraseProtected), Int(state.Views)));
        var key = keys.Current;
        var created = EventChain.Next(key, state.Id, (0, EventChain.Genesis), SecretEventTypes.Created, state.CreatedAt, state.MaxViews);
        var headMac = EventChain.ComputeHeadMac(key, state.Id, created.Seq, created.Hash, closed: false, state.ExpiresAt, FoldedEvents.None);
        batch.BatchCommands.Add(Command(
            InsertHeadSql, Text(state.Id), Bytes(state.ManageHash), Int(created.Seq), Bytes(created.Hash), Time(state.ExpiresAt), Interval(Retention),
            Text(key.Id), Bytes(headMac)));
        batch.BatchCommands.Add(Command(
            InsertEventSql, Text(created.SecretId), Int(created.Seq), Text(created.Type), Time(created.OccurredAt), NullableInt(created.ViewsRemaining),
            NullableText(created.Detail), Bytes(created.PrevHash), Bytes(created.Hash), Text(key.Id)));
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<SecretState?> FindLiveAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(FindLiveSql);
        command.Parameters.Add(Text(id));
        command.Parameters.Add(Time(now));
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
            ExpiresAtLimit: reader.GetFieldValue<DateTimeOffset>(5),
            MaxViews: reader.IsDBNull(6) ? null : reader.GetInt32(6),
            Views: reader.GetInt32(7),
            FailedAttempts: reader.GetInt32(8),
            Extendable: reader.GetBoolean(9),
            PassphraseProtected: reader.GetBoolean(10));
    }

    public async Task<SecretResult<RevealedSecret>> RevealAsync(TokenAttempt attempt, CancellationToken cancellationToken)
    {
        await using var batch = Decide(RevealSql, attempt);
        await using var reader = await ExecuteDecisionAsync(batch, cancellationToken);
        return await ReadOutcomeAsync(reader, cancellationToken) == SecretOutcome.Granted
            ? SecretResult<RevealedSecret>.Granted(new RevealedSecret(
                Ciphertext: reader.GetFieldValue<byte[]>(2),
                MaxViews: reader.IsDBNull(5) ? null : reader.GetInt32(5),
                Views: reader.GetInt32(6),
                ExpiresAt: reader.GetFieldValue<DateTimeOffset>(4)))
            : Failed<RevealedSecret>(reader);
    }

    public async Task<SecretResult<SecretMetadata>> ExtendAsync(TokenAttempt attempt, SecretExtension extension, CancellationToken cancellationToken)
    {
        await using var batch = Decide(ExtendSql, attempt);
        var command = batch.BatchCommands[^1];
        command.Parameters.Add(Interval(extension.AddTime));
        command.Parameters.Add(Int(extension.AddViews));
        command.Parameters.Add(Interval(extension.MaxExpiresIn));
        command.Parameters.Add(Int(extension.ViewsLimit));
        await using var reader = await ExecuteDecisionAsync(batch, cancellationToken);
        return await ReadOutcomeAsync(reader, cancellationToken) == SecretOutcome.Granted
            ? SecretResult<SecretMetadata>.Granted(new SecretMetadata(
                Id: attempt.Id,
                ExpiresAt: reader.GetFieldValue<DateTimeOffset>(4),
                MaxViews: reader.IsDBNull(5) ? null : reader.GetInt32(5),
                Views: reader.GetInt32(6),
                Extendable: reader.GetBoolean(7),
                PassphraseProtected: reader.GetBoolean(8)))
            : Failed<SecretMetadata>(reader);
    }

    public async Task<SecretResult<DeletedBy>> DeleteAsync(TokenAttempt attempt, CancellationToken cancellationToken)
    {
        await using var batch = Decide(DeleteSql, attempt);
        await using var reader = await ExecuteDecisionAsync(batch, cancellationToken);
        return await ReadOutcomeAsync(reader, cancellationToken) == SecretOutcome.Granted
            ? SecretResult<DeletedBy>.Granted(reader.GetString(9) == SecretEventDetails.Creator ? DeletedBy.Creator : DeletedBy.Recipient)
            : Failed<DeletedBy>(reader);
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
                new FoldedEvents(reader.GetInt32(5), reader.GetInt32(6), reader.GetInt32(7)),
                reader.IsDBNull(16) ? null : reader.GetString(16), reader.IsDBNull(17) ? null : reader.GetFieldValue<byte[]>(17));
            if (!reader.IsDBNull(8))
            {
                events.Add(new SecretEvent(
                    id, reader.GetInt32(8), reader.GetString(9), reader.GetFieldValue<DateTimeOffset>(10),
                    reader.IsDBNull(11) ? null : reader.GetInt32(11), reader.IsDBNull(12) ? null : reader.GetString(12),
                    reader.GetFieldValue<byte[]>(13), reader.GetFieldValue<byte[]>(14), reader.IsDBNull(15) ? null : reader.GetString(15)));
            }
        }

        return head is null ? null : new AuditTrail(head, events);
    }

    public async Task RecordExpiryAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(AuditKeyCommand(id));
        batch.BatchCommands.Add(Command(RecordExpirySql, Text(id), Time(now), Interval(Retention)));
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A call of one of the decision functions, with the parameters they all start with.</summary>
    private NpgsqlBatch Decide(string sql, TokenAttempt attempt)
    {
        var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(AuditKeyCommand(attempt.Id));
        batch.BatchCommands.Add(Command(sql, Text(attempt.Id), Bytes(attempt.TokenHash), Time(attempt.Now), Int(attempt.MaxFailedAttempts), Interval(Retention)));
        return batch;
    }

    /// <summary>Runs a decision batch; the reader is at the decision's result (past the key statement's).</summary>
    private static async Task<NpgsqlDataReader> ExecuteDecisionAsync(NpgsqlBatch batch, CancellationToken cancellationToken)
    {
        var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        return reader;
    }

    private NpgsqlBatchCommand AuditKeyCommand(string id) => PostgresAuditKeys.Command(keys, id);

    private static async Task<SecretOutcome> ReadOutcomeAsync(NpgsqlDataReader reader, CancellationToken cancellationToken) =>
        await reader.ReadAsync(cancellationToken)
            ? Outcome(reader.GetString(0))
            : throw new InvalidOperationException("A decision function returned no row.");

    /// <summary>A decision other than granted, with the attempts left after a counted wrong token.</summary>
    private static SecretResult<T> Failed<T>(NpgsqlDataReader reader) =>
        new(Outcome(reader.GetString(0)), AttemptsRemaining: reader.IsDBNull(1) ? null : reader.GetInt32(1));

    private static SecretOutcome Outcome(string outcome) => outcome switch
    {
        "granted" => SecretOutcome.Granted,
        "gone" => SecretOutcome.Gone,
        "wrong_token" => SecretOutcome.WrongToken,
        "not_extendable" => SecretOutcome.NotExtendable,
        "out_of_bounds" => SecretOutcome.OutOfBounds,
        _ => throw new InvalidOperationException($"Unknown decision '{outcome}'."),
    };

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
