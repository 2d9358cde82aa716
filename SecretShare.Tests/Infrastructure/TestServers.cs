[assembly: AssemblyFixture(typeof(SecretShare.Tests.Infrastructure.TestServers))]

namespace SecretShare.Tests.Infrastructure;

/// <summary>
/// The database servers of a test run, started on first use (so a run filtered to one backend needs only that
/// backend's prerequisites) and stopped when the run ends; and the run's own temporary folder, which must be empty then.
/// </summary>
public sealed class TestServers : IAsyncDisposable
{
    private static readonly Lazy<Task<PostgresServer>> LazyPostgres = new(PostgresServer.StartAsync);
    private static readonly Lazy<Task<DynamoDbLocalServer>> LazyDynamoDb = new(DynamoDbLocalServer.StartAsync);

    private readonly string? originalTempDirectory = Environment.GetEnvironmentVariable("TMPDIR");
    private readonly DirectoryInfo runTempDirectory;

    /// <summary>
    /// Points TMPDIR, for this process and every program it starts (servers, services, Chromium), at a folder of this
    /// run: whatever a test, a fixture or a program leaves in it fails the run when it ends, so nothing piles up in /tmp.
    /// </summary>
    public TestServers()
    {
        runTempDirectory = Directory.CreateTempSubdirectory("secretshare-test-run-");

        // The postgres OS user must reach its cluster's folder inside.
        if (!OperatingSystem.IsWindows())
        {
            runTempDirectory.UnixFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        }

        Environment.SetEnvironmentVariable("TMPDIR", runTempDirectory.FullName);
    }

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

        Environment.SetEnvironmentVariable("TMPDIR", originalTempDirectory);
        var left = runTempDirectory.EnumerateFileSystemInfos("*", SearchOption.AllDirectories)
            .Select(entry => Path.GetRelativePath(runTempDirectory.FullName, entry.FullName))
            .Order(StringComparer.Ordinal)
            .ToList();
        runTempDirectory.Delete(recursive: true);
        if (left.Count > 0)
        {
            throw new InvalidOperationException($"The test run left {left.Count} temporary file(s) behind: {string.Join(", ", left.Take(20))}");
        }
    }
}
