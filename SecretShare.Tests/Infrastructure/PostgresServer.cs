using Npgsql;
using SecretShare.Storage.Configuration;

namespace SecretShare.Tests.Infrastructure;

/// <summary>
/// A private, throwaway PostgreSQL cluster on a free loopback port (initdb + pg_ctl, as the <c>postgres</c> OS user
/// when running as root), or the server that <c>TEST_DATABASE_URL</c> points at. Each fixture gets its own database.
/// fsync is off because tests never crash the OS; commits stay synchronous, so a killed server keeps every
/// acknowledged write.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly string? dataDirectory;
    private readonly string? binDirectory;
    private readonly string? options;

    private PostgresServer(string adminUrl, string? dataDirectory = null, string? binDirectory = null, string? options = null)
    {
        AdminUrl = adminUrl;
        this.dataDirectory = dataDirectory;
        this.binDirectory = binDirectory;
        this.options = options;
    }

    /// <summary>A <c>postgres://</c> URL to the maintenance database.</summary>
    public string AdminUrl { get; }

    /// <summary>Whether this run owns the server (and so may stop and restart it).</summary>
    public bool IsPrivate => dataDirectory is not null;

    public static async Task<PostgresServer> StartAsync()
    {
        if (Environment.GetEnvironmentVariable("TEST_DATABASE_URL") is { Length: > 0 } external)
        {
            return new PostgresServer(external);
        }

        var binDirectory = FindBinDirectory() ?? throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl) not found. Install them with 'apt-get install -y postgresql' " +
            "or point TEST_DATABASE_URL at a server.");

        var root = Directory.CreateTempSubdirectory("secretshare-test-pg-").FullName;
        var dataDirectory = Path.Combine(root, "data");
        if (ExternalProcess.IsRoot)
        {
            await ExternalProcess.RunAsync("chown", ["postgres:postgres", root]);
        }

        await RunPostgresToolAsync(binDirectory, "initdb", ["-D", dataDirectory, "--auth=trust", "--no-sync", "-U", "postgres", "-E", "UTF8"]);
        var port = ExternalProcess.FreePort();
        var options = $"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c max_connections=300 -c fsync=off -c full_page_writes=off";
        var server = new PostgresServer($"postgres://postgres@127.0.0.1:{port}/postgres", dataDirectory, binDirectory, options);
        await server.StartAgainAsync();
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

    /// <summary>Simulates a crash: immediate shutdown, no clean checkpoint.</summary>
    public Task StopImmediatelyAsync() => PgCtlAsync(["stop", "-m", "immediate", "-w"]);

    public Task StartAgainAsync() => PgCtlAsync(["start", "-w", "-t", "60", "-l", Path.Combine(Path.GetDirectoryName(dataDirectory)!, "postgres.log"), "-o", options!]);

    public async ValueTask DisposeAsync()
    {
        if (dataDirectory is null)
        {
            return;
        }

        try
        {
            await PgCtlAsync(["stop", "-m", "immediate", "-w"]);
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        Directory.Delete(Path.GetDirectoryName(dataDirectory)!, recursive: true);
    }

    private Task PgCtlAsync(string[] arguments)
    {
        if (!IsPrivate)
        {
            throw new InvalidOperationException("The server behind TEST_DATABASE_URL is not this test run's to stop or start.");
        }

        return RunPostgresToolAsync(binDirectory!, "pg_ctl", ["-D", dataDirectory!, .. arguments]);
    }

    private static Task<string> RunPostgresToolAsync(string binDirectory, string tool, string[] arguments)
    {
        var path = Path.Combine(binDirectory, tool);
        return ExternalProcess.IsRoot
            ? ExternalProcess.RunAsync("runuser", ["-u", "postgres", "--", path, .. arguments])
            : ExternalProcess.RunAsync(path, arguments);
    }

    private static string? FindBinDirectory()
    {
        if (Environment.GetEnvironmentVariable("PG_BIN") is { Length: > 0 } configured)
        {
            return configured;
        }

        var installed = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(version => Path.Combine(version, "bin"))
                .Where(bin => File.Exists(Path.Combine(bin, "initdb")))
                .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var major) ? major : 0)
                .FirstOrDefault()
            : null;
        return installed ?? Environment.GetEnvironmentVariable("PATH")?.Split(':')
            .FirstOrDefault(directory => File.Exists(Path.Combine(directory, "initdb")) && File.Exists(Path.Combine(directory, "pg_ctl")));
    }
}
