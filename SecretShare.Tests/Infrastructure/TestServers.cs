[assembly: AssemblyFixture(typeof(SecretShare.Tests.Infrastructure.TestServers))]

namespace SecretShare.Tests.Infrastructure;

/// <summary>
/// The database servers of a test run, started on first use (so a run filtered to one backend needs only that
/// backend's prerequisites) and stopped when the run ends.
/// </summary>
public sealed class TestServers : IAsyncDisposable
{
    private static readonly Lazy<Task<PostgresServer>> LazyPostgres = new(PostgresServer.StartAsync);
    private static readonly Lazy<Task<DynamoDbLocalServer>> LazyDynamoDb = new(DynamoDbLocalServer.StartAsync);

    public static Task<PostgresServer> Postgres => LazyPostgres.Value;

    public static Task<DynamoDbLocalServer> DynamoDb => LazyDynamoDb.Value;

    public async ValueTask DisposeAsync()
    {
        if (LazyPostgres.IsValueCreated && LazyPostgres.Value.IsCompletedSuccessfully)
        {
            await (await LazyPostgres.Value).DisposeAsync();
        }

        if (LazyDynamoDb.IsValueCreated && LazyDynamoDb.Value.IsCompletedSuccessfully)
        {
            await (await LazyDynamoDb.Value).DisposeAsync();
        }
    }
}
