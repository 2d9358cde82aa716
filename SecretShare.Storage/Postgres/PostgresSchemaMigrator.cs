using System.Reflection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace SecretShare.Storage.Postgres;

/// <summary>
/// Applies the numbered SQL scripts under <c>Postgres/Migrations</c> that the database has not seen yet, in one
/// transaction under an advisory lock, so the API and the cleanup worker can start together safely.
/// </summary>
internal sealed partial class PostgresSchemaMigrator(NpgsqlDataSource dataSource, ILogger<PostgresSchemaMigrator> logger)
{
    // An arbitrary constant that names this schema's lock (0x53656353, "SecS" in ASCII).
    private const string MigrationLockKey = "1399153491";

    private const string PrepareSql = $"""
        SELECT pg_advisory_xact_lock({MigrationLockKey});
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version    int         PRIMARY KEY,
            name       text        NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        );
        """;

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        await using (var prepare = new NpgsqlCommand(PrepareSql, connection, transaction))
        {
            await prepare.ExecuteNonQueryAsync(cancellationToken);
        }

        var applied = new HashSet<int>();
        await using (var query = new NpgsqlCommand("SELECT version FROM schema_migrations", connection, transaction))
        await using (var reader = await query.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetInt32(0));
            }
        }

        foreach (var migration in Migration.All.Where(m => !applied.Contains(m.Version)))
        {
            await using var apply = new NpgsqlCommand(migration.Sql, connection, transaction);
            await apply.ExecuteNonQueryAsync(cancellationToken);

            await using var record = new NpgsqlCommand("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", connection, transaction)
            {
                Parameters = { new() { Value = migration.Version }, new() { Value = migration.Name } },
            };
            await record.ExecuteNonQueryAsync(cancellationToken);
            LogApplied(migration.Version, migration.Name);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied schema migration {Version} ({Name})")]
    private partial void LogApplied(int version, string name);

    /// <summary>An embedded script named <c>NNNN_description.sql</c>.</summary>
    internal sealed record Migration(int Version, string Name, string Sql)
    {
        private const string ResourcePrefix = "SecretShare.Storage.Postgres.Migrations.";

        public static IReadOnlyList<Migration> All { get; } = Load();

        private static List<Migration> Load()
        {
            var assembly = Assembly.GetExecutingAssembly();
            return [.. assembly.GetManifestResourceNames()
                .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
                .Select(name =>
                {
                    var fileName = name[ResourcePrefix.Length..^".sql".Length];
                    using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
                    return new Migration(int.Parse(fileName[..fileName.IndexOf('_')]), fileName, reader.ReadToEnd());
                })
                .OrderBy(m => m.Version)];
        }
    }
}
