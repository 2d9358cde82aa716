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
