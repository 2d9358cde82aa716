using Npgsql;
using SecretShare.Storage.Configuration;

namespace SecretShare.Tests.Infrastructure;

/// <summary>
/// A private, throwaway PostgreSQL cluster on a free loopback port, started by the AppHost's own script
/// (<c>postgres-local.sh</c>, as the <c>postgres</c> OS user when running as root), or the server that
/// <c>TEST_DATABASE_URL</c> points at. Each fixture gets its own database. fsync is off because tests never crash the
/// OS; commits stay synchronous, so a killed server keeps every acknowledged write.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly string? root;
    private readonly int port;
    private LocalServerScript? script;

    private PostgresServer(string adminUrl, string? root = null, int port = 0)
    {
        AdminUrl = adminUrl;
        this.root = root;
        this.port = port;
    }

    /// <summary>A <c>postgres://</c> URL to the maintenance database.</summary>
    public string AdminUrl { get; }

    /// <summary>Whether this run owns the server (and so may stop and restart it).</summary>
    public bool IsPrivate => root is not null;

    private string DataDirectory => Path.Combine(root!, "data");

    public static async Task<PostgresServer> StartAsync()
    {
        if (Environment.GetEnvironmentVariable("TEST_DATABASE_URL") is { Length: > 0 } external)
        {
            return new PostgresServer(external);
        }

        var root = Directory.CreateTempSubdirectory("secretshare-test-pg-").FullName;
        if (ExternalProcess.IsRoot)
        {
            // The cluster's folder inside belongs to the postgres user, who must be able to reach it.
            await ExternalProcess.RunAsync("chown", ["postgres:postgres", root]);
        }

        var port = ExternalProcess.FreePort();
        var server = new PostgresServer($"postgres://postgres@127.0.0.1:{port}/postgres", root, port);
        try
        {
            await server.StartAgainAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>Creates an empty database and returns its URL.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 63)].ToLowerInvariant();
        await using (var connection = new NpgsqlConnection(PostgresUrl.ToConnectionString(AdminUrl)))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        var uri = new UriBuilder(AdminUrl) { Path = "/" + name };
        return uri.Uri.ToString();
    }

    /// <summary>
    /// Simulates a crash: PostgreSQL's immediate shutdown (SIGQUIT to the postmaster, as <c>pg_ctl stop -m immediate</c>
    /// sends), no clean checkpoint; returns once the server is gone.
    /// </summary>
    public async Task StopImmediatelyAsync()
    {
        RequirePrivate();
        var postmaster = File.ReadLines(Path.Combine(DataDirectory, "postmaster.pid")).First();
        await ExternalProcess.RunAsync("kill", ["-QUIT", postmaster]);
        await script!.WaitForExitAsync();
    }

    /// <summary>Starts the cluster (again) on the same port, and waits until it answers.</summary>
    public async Task StartAgainAsync()
    {
        RequirePrivate();
        if (script is not null)
        {
            await script.DisposeAsync();
        }

        script = LocalServerScript.Start(
            "postgres-local.sh",
            new Dictionary<string, string> { ["PGPORT"] = $"{port}", ["SECRETSHARE_DATA_DIR"] = DataDirectory },
            "postgres", "-c", "max_connections=300");
        var probe = new NpgsqlConnectionStringBuilder(PostgresUrl.ToConnectionString(AdminUrl)) { Pooling = false, Timeout = 5 }.ConnectionString;
        await script.WaitUntilReadyAsync(
            async () =>
            {
                await using var connection = new NpgsqlConnection(probe);
                await connection.OpenAsync();
            },
            TimeSpan.FromSeconds(60),
            "PostgreSQL",
            "Install it with 'apt-get install -y postgresql' or point TEST_DATABASE_URL at a server.");
    }

    public async ValueTask DisposeAsync()
    {
        if (root is null)
        {
            return;
        }

        // Immediate shutdown rather than SIGKILL, which would leave the server's System V shared memory behind.
        if (script is { HasExited: false } && File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            await StopImmediatelyAsync();
        }

        if (script is not null)
        {
            await script.DisposeAsync();
        }

        Directory.Delete(root, recursive: true);
    }

    private void RequirePrivate()
    {
        if (!IsPrivate)
        {
            throw new InvalidOperationException("The server behind TEST_DATABASE_URL is not this test run's to stop or start.");
        }
    }
}
