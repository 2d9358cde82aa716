using Npgsql;
using SecretShare.Storage.Configuration;
using SecretShare.Storage.Secrets;

namespace SecretShare.Tests.Infrastructure;

public sealed class PostgresFixture : BackendFixture
{
    public override string Backend => "Postgres";

    /// <summary>The fixture's own database, as a <c>postgres://</c> URL.</summary>
    public string DatabaseUrl { get; private set; } = "";

    public NpgsqlDataSource CreateDataSource() => NpgsqlDataSource.Create(PostgresUrl.ToConnectionString(DatabaseUrl));

    public override async Task<bool> IsStoredAsync(string id) => await ReadStoredBytesAsync(id) is not null;

    public override async Task<byte[]?> ReadStoredBytesAsync(string id)
    {
        await using var dataSource = CreateDataSource();
        await using var command = dataSource.CreateCommand(
            "SELECT convert_to(row_to_json(s)::text, 'UTF8') || s.encrypted_data || s.access_hash || s.manage_hash FROM secrets s WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        return await command.ExecuteScalarAsync() as byte[];
    }

    public override async Task<int> CountAuditItemsAsync(string id) => (int)(long)(await ExecuteAsync(
        "SELECT (SELECT count(*) FROM secret_audit_heads WHERE secret_id = $1) + (SELECT count(*) FROM secret_events WHERE secret_id = $1)", id))!;

    public override Task SetEventTypeAsync(string id, int seq, string type) =>
        ExecuteAsync("UPDATE secret_events SET type = $3 WHERE secret_id = $1 AND seq = $2", id, seq, type);

    public override Task DeleteEventAsync(string id, int seq) =>
        ExecuteAsync("DELETE FROM secret_events WHERE secret_id = $1 AND seq = $2", id, seq);

    // UPDATE … FROM reads the rows as they were before the statement, so the two rows trade places.
    public override Task SwapEventsAsync(string id, int seqA, int seqB) => ExecuteAsync("""
        UPDATE secret_events e
        SET type = o.type, occurred_at = o.occurred_at, views_remaining = o.views_remaining, detail = o.detail, prev_hash = o.prev_hash, hash = o.hash
        FROM secret_events o
        WHERE e.secret_id = $1 AND o.secret_id = $1 AND ((e.seq = $2 AND o.seq = $3) OR (e.seq = $3 AND o.seq = $2))
        """, id, seqA, seqB);

    public override async Task RewriteTrailAsync(string id, Func<IReadOnlyList<SecretEvent>, IReadOnlyList<SecretEvent>> rewrite)
    {
        var stored = new List<SecretEvent>();
        await using var dataSource = CreateDataSource();
        await using (var read = dataSource.CreateCommand(
            "SELECT seq, type, occurred_at, views_remaining, detail, prev_hash, hash, key_id FROM secret_events WHERE secret_id = $1 ORDER BY seq"))
        {
            read.Parameters.Add(new NpgsqlParameter { Value = id });
            await using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                stored.Add(new SecretEvent(
                    id, reader.GetInt32(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2), reader.IsDBNull(3) ? null : reader.GetInt32(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetFieldValue<byte[]>(5), reader.GetFieldValue<byte[]>(6),
                    reader.IsDBNull(7) ? null : reader.GetString(7)));
            }
        }

        var events = rewrite(stored);
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("DELETE FROM secret_events WHERE secret_id = $1") { Parameters = { new() { Value = id } } });
        foreach (var e in events)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("""
                INSERT INTO secret_events (secret_id, seq, type, occurred_at, views_remaining, detail, prev_hash, hash, key_id)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                """)
            {
                Parameters =
                {
                    new() { Value = id }, new() { Value = e.Seq }, new() { Value = e.Type }, new() { Value = e.OccurredAt },
                    new() { Value = (object?)e.ViewsRemaining ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer },
                    new() { Value = (object?)e.Detail ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text },
                    new() { Value = e.PrevHash }, new() { Value = e.Hash },
                    new() { Value = (object?)e.KeyId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text },
                },
            });
        }

        batch.BatchCommands.Add(new NpgsqlBatchCommand("UPDATE secret_audit_heads SET last_seq = $2, last_hash = $3, closed = $4 WHERE secret_id = $1")
        {
            Parameters =
            {
                new() { Value = id }, new() { Value = events[^1].Seq }, new() { Value = events[^1].Hash },
                new() { Value = SecretEventTypes.IsTerminal(events[^1].Type) },
            },
        });
        await batch.ExecuteNonQueryAsync();
    }

    public override async Task<object> SnapshotTrailAsync(string id) => ((string)(await ExecuteAsync("""
        SELECT json_build_object(
            'head', (SELECT row_to_json(h) FROM secret_audit_heads h WHERE secret_id = $1),
            'events', (SELECT json_agg(e ORDER BY seq) FROM secret_events e WHERE secret_id = $1))::text
        """, id))!);

    public override async Task RestoreTrailAsync(string id, object snapshot)
    {
        await using var dataSource = CreateDataSource();
        await using var batch = dataSource.CreateBatch();
        foreach (var sql in new[]
        {
            "DELETE FROM secret_events WHERE secret_id = $1",
            "DELETE FROM secret_audit_heads WHERE secret_id = $1",
            "INSERT INTO secret_audit_heads SELECT * FROM json_populate_record(NULL::secret_audit_heads, ($2::json)->'head')",
            "INSERT INTO secret_events SELECT * FROM json_populate_recordset(NULL::secret_events, ($2::json)->'events')",
        })
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(sql)
            {
                Parameters = { new() { Value = id }, new() { Value = (string)snapshot, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text } },
            });
        }

        await batch.ExecuteNonQueryAsync();
    }

    private async Task<object?> ExecuteAsync(string sql, params object[] values)
    {
        await using var dataSource = CreateDataSource();
        await using var command = dataSource.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return await command.ExecuteScalarAsync();
    }

    protected override async Task<IReadOnlyDictionary<string, string?>> CreateBackendSettingsAsync()
    {
        var server = await TestServers.Postgres;
        DatabaseUrl = await server.CreateDatabaseAsync("secretshare_test");
        return new Dictionary<string, string?>
        {
            [EnvironmentVariables.DatabaseUrl] = DatabaseUrl,
            [EnvironmentVariables.DynamoDbTable] = "",
        };
    }
}
