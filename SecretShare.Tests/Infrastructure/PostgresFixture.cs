using Npgsql;
using SecretShare.Storage.Configuration;

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

    public override async Task<bool> IsRequestStoredAsync(string id) =>
        (long)(await ExecuteAsync("SELECT count(*) FROM requests WHERE id = $1", id))! > 0;

    public override Task SetRequestPublicKeyAsync(string id, byte[] publicKey) =>
        ExecuteAsync("UPDATE requests SET public_key = $2 WHERE id = $1", id, publicKey);

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
