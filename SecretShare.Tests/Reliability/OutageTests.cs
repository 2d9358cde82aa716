using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using SecretShare.Storage.Configuration;
using SecretShare.Storage.DynamoDb;
using SecretShare.Tests.Infrastructure;

namespace SecretShare.Tests.Reliability;

/// <summary>
/// A database that can crash and come back, with an API in front of it. Each outage fixture owns its database server,
/// so stopping it disturbs no other test class.
/// </summary>
public abstract class OutageFixture : IAsyncLifetime
{
    private SecretShareApp? app;

    public SecretShareApp App => app ?? throw new InvalidOperationException("Fixture not initialised");

    public HttpClient Client { get; private set; } = null!;

    public abstract Task StopDatabaseAsync();

    public abstract Task StartDatabaseAgainAsync();

    protected abstract Task<IReadOnlyDictionary<string, string?>> StartDatabaseAsync();

    protected abstract ValueTask DisposeDatabaseAsync();

    public async ValueTask InitializeAsync()
    {
        var settings = new Dictionary<string, string?>(BackendFixture.TestSettings);
        foreach (var (key, value) in await StartDatabaseAsync())
        {
            settings[key] = value;
        }

        app = new SecretShareApp(settings);
        Client = app.CreateHttpClient();
        Client.Timeout = TimeSpan.FromSeconds(30);
        using var health = await Client.GetAsync("health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (app is not null)
        {
            await app.DisposeAsync();
        }

        await DisposeDatabaseAsync();
        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// A private PostgreSQL cluster for this class alone (never the shared one, never <c>TEST_DATABASE_URL</c>'s server),
/// with the connect and command timeouts an operator would set in <c>DATABASE_URL</c>.
/// </summary>
public sealed class PostgresOutageFixture : OutageFixture
{
    private static readonly Lock EnvironmentLock = new();
    private PostgresServer? server;

    public override Task StopDatabaseAsync() => server!.StopImmediatelyAsync();

    public override Task StartDatabaseAgainAsync() => server!.StartAgainAsync();

    protected override async Task<IReadOnlyDictionary<string, string?>> StartDatabaseAsync()
    {
        server = await StartPrivateServerAsync();
        Assert.True(server.IsPrivate);
        var url = await server.CreateDatabaseAsync("secretshare_outage");
        return new Dictionary<string, string?>
        {
            [EnvironmentVariables.DatabaseUrl] = url + "?connect_timeout=2&command_timeout=5",
            [EnvironmentVariables.DynamoDbTable] = "",
        };
    }

    protected override async ValueTask DisposeDatabaseAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }

    /// <summary>
    /// <see cref="PostgresServer.StartAsync"/> starts a private cluster unless <c>TEST_DATABASE_URL</c> is set. When it
    /// is, the shared server is resolved first (it reads the variable synchronously), then the variable is hidden for
    /// the synchronous part of this start only, so that the outage still gets a cluster of its own to stop.
    /// </summary>
    private static async Task<PostgresServer> StartPrivateServerAsync()
    {
        const string Variable = "TEST_DATABASE_URL";
        if (Environment.GetEnvironmentVariable(Variable) is not { Length: > 0 } external)
        {
            return await PostgresServer.StartAsync();
        }

        _ = TestServers.Postgres;
        Task<PostgresServer> starting;
        lock (EnvironmentLock)
        {
            Environment.SetEnvironmentVariable(Variable, null);
            try
            {
                starting = PostgresServer.StartAsync();
            }
            finally
            {
                Environment.SetEnvironmentVariable(Variable, external);
            }
        }

        return await starting;
    }
}

/// <summary>
/// A separate DynamoDB Local with its data on disk, behind a relay. A crash cuts every connection at once and resets new
/// ones, then the server is killed with SIGKILL, once it has committed what it answered (see
/// <see cref="DynamoDbLocalOnDisk"/>: DynamoDB Local answers a transaction before committing it, which DynamoDB does
/// not); it starts again on a new port with the same data, and the relay reaches it there.
/// </summary>
public sealed class DynamoDbOutageFixture : OutageFixture
{
    private readonly string table = $"secretshare-outage-{Guid.NewGuid():N}";
    private DynamoDbLocalOnDisk? server;
    private TcpRelay? relay;

    public override async Task StopDatabaseAsync()
    {
        relay!.Cut();
        await server!.DrainAsync(table, SecretItem.Id);
        await server.KillAsync();
    }

    public override async Task StartDatabaseAgainAsync()
    {
        await server!.StartAgainAsync();
        relay!.Restore(new Uri(server.Endpoint));
    }

    protected override async Task<IReadOnlyDictionary<string, string?>> StartDatabaseAsync()
    {
        server = await DynamoDbLocalServer.StartOnDiskAsync();
        await DynamoDbLocalServer.CreateTablesAsync(server.Endpoint, table);
        relay = new TcpRelay(new Uri(server.Endpoint));
        return new Dictionary<string, string?>
        {
            [EnvironmentVariables.DatabaseUrl] = "",
            [EnvironmentVariables.DynamoDbTable] = table,
            [EnvironmentVariables.DynamoDbEndpoint] = relay.Endpoint,
            [EnvironmentVariables.AwsRegion] = "us-east-1",
        };
    }

    protected override async ValueTask DisposeDatabaseAsync()
    {
        if (relay is not null)
        {
            await relay.DisposeAsync();
        }

        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }
}

/// <summary>
/// The database crashes while real concurrent requests are in flight and comes back: the API answers 503 problem+json
/// quickly, reports itself unready but alive, recovers by itself, keeps every acknowledged secret and never hands out
/// a payload more often than its view limit.
/// </summary>
public abstract class OutageTests<TFixture>(TFixture fixture, ITestOutputHelper output) : IClassFixture<TFixture>
    where TFixture : OutageFixture
{
    private const int Workers = 8;
    private const int HammerViews = 100;

    /// <summary>
    /// The command timeout in the test's DATABASE_URL and the DynamoDB client's per-attempt timeout, plus a margin for a
    /// busy machine: no request may wait longer.
    /// </summary>
    private static readonly TimeSpan ConfiguredTimeout = TimeSpan.FromSeconds(5 + 2);

    private sealed record Sample(string Operation, int Status, double Started, double Seconds, string? Error, bool Problem, bool RetryAfter, bool NoStore);

    private sealed record Acknowledged(string Id, string AccessToken, string Ciphertext, double At);

    /// <summary>Creations that must be acknowledged before the crash and after the recovery, however slow the machine.</summary>
    private const int CreationsEachSide = 10;

    [Fact]
    public async Task A_database_crash_under_load_gives_quick_503s_then_recovers_keeping_every_acknowledged_secret()
    {
        var client = fixture.Client;
        var hammered = new List<CreatedSecret>();
        for (var i = 0; i < 4; i++)
        {
            hammered.Add(await client.CreateAsync(new() { ["maxViews"] = HammerViews }));
        }

        var samples = new ConcurrentBag<Sample>();
        var acknowledged = new ConcurrentBag<Acknowledged>();
        var revealsOf = hammered.ToDictionary(h => h.Id, _ => new StrongBox<int>());
        var clock = Stopwatch.StartNew();
        using var stopLoad = new CancellationTokenSource();
        var load = Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
        {
            while (!stopLoad.IsCancellationRequested)
            {
                await OneRequestAsync(client, hammered, revealsOf, samples, acknowledged, clock);
                await Task.Delay(25);
            }
        })).ToArray();

        await ExternalProcess.WaitUntilAsync(
            () => Task.FromResult(acknowledged.Count >= CreationsEachSide), TimeSpan.FromSeconds(30), "creations before the crash");
        var stopping = clock.Seconds();
        await fixture.StopDatabaseAsync();
        var stopped = clock.Seconds();

        // While the database is down: readiness fails, liveness holds, every probe quickly. On DynamoDB one probe's
        // answer serves the next few seconds' probes (DynamoDbHealthCheck.CacheFor), so readiness may fail a probe later.
        var healthSeconds = 0.0;
        await ExternalProcess.WaitUntilAsync(async () =>
        {
            var probe = Stopwatch.StartNew();
            using var health = await client.GetAsync("health");
            healthSeconds = Math.Max(healthSeconds, probe.Seconds());
            if (health.StatusCode != HttpStatusCode.ServiceUnavailable)
            {
                Assert.Equal(HttpStatusCode.OK, health.StatusCode);
                return false;
            }

            ReliabilitySupport.AssertSecurityHeaders(health, "GET /health during the outage");
            return true;
        }, TimeSpan.FromSeconds(15), "/health to report the outage");
        using (var alive = await client.GetAsync("alive"))
        {
            Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        }

        // Keep it down until enough requests ran entirely inside the outage (the machine may be slow).
        await ExternalProcess.WaitUntilAsync(
            () => Task.FromResult(samples.Count(s => s.Started > stopped + 0.2) >= 40), TimeSpan.FromSeconds(15), "requests during the outage");
        var restarting = clock.Seconds();
        await fixture.StartDatabaseAgainAsync();
        var restarted = clock.Seconds();

        // Recovery: the same API process, not restarted, becomes ready and creates again.
        double recovered = 0;
        await ExternalProcess.WaitUntilAsync(async () =>
        {
            using var health = await client.GetAsync("health");
            using var create = await client.PostAsJsonAsync("api/secrets", new { ciphertext = ApiCalls.NewCiphertext(), accessToken = ApiCalls.NewToken() });
            recovered = clock.Seconds();
            return health.StatusCode == HttpStatusCode.OK && create.StatusCode == HttpStatusCode.Created;
        }, TimeSpan.FromSeconds(20), "the API after the database restart");

        await ExternalProcess.WaitUntilAsync(
            () => Task.FromResult(acknowledged.Count(a => a.At > recovered + 0.5) >= CreationsEachSide), TimeSpan.FromSeconds(30),
            "creations after the recovery");
        var loadEnded = clock.Seconds();
        await stopLoad.CancelAsync();
        await Task.WhenAll(load);

        var all = samples.ToArray();
        foreach (var unhandled in fixture.App.Logs.Entries.Where(e => e.Category.StartsWith("Microsoft.AspNetCore.Diagnostics", StringComparison.Ordinal)))
        {
            output.WriteLine($"Unhandled: {unhandled.Text}");
        }
        var unavailable = all.Where(s => s.Status == 503).ToArray();
        output.WriteLine(
            $"{all.Length} requests; {unavailable.Length} answered 503; stop took {stopped - stopping:F2} s, restart {restarted - restarting:F2} s; " +
            $"recovered {recovered - restarted:F2} s after the restart; /health answered in {healthSeconds:F3} s during the outage");
        output.WriteLine(
            $"latency max {all.Max(s => s.Seconds):F3} s, 503 max {(unavailable.Length == 0 ? 0 : unavailable.Max(s => s.Seconds)):F3} s, " +
            $"503 p50 {(unavailable.Length == 0 ? 0 : unavailable.Select(s => s.Seconds).Order().ElementAt(unavailable.Length / 2)):F3} s; " +
            $"statuses {string.Join(", ", all.GroupBy(s => s.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}×{g.Count()}"))}");

        // No hang, no 500, no dropped connection: 503 problem+json with Retry-After, or a normal answer.
        Assert.All(all, s => Assert.True(s.Error is null, $"{s.Operation} at {s.Started:F2} s failed: {s.Error}"));
        Assert.All(all, s => Assert.True(s.Status is 200 or 201 or 404 or 503, $"{s.Operation} at {s.Started:F2} s answered {s.Status}"));
        Assert.All(all, s => Assert.True(s.Seconds < ConfiguredTimeout.TotalSeconds, $"{s.Operation} at {s.Started:F2} s took {s.Seconds:F2} s"));
        Assert.All(unavailable, s => Assert.True(s.Problem && s.RetryAfter && s.NoStore, $"{s.Operation} 503 without problem+json, Retry-After or no-store"));
        Assert.True(healthSeconds < ConfiguredTimeout.TotalSeconds, $"/health took {healthSeconds:F2} s during the outage");

        // While the server was down (with a margin for requests that started just before), nothing succeeded.
        var duringOutage = all.Where(s => s.Started > stopped + 0.2 && s.Started + s.Seconds < restarting).ToArray();
        Assert.True(duringOutage.Length >= 20, $"only {duringOutage.Length} requests ran during the outage");
        Assert.All(duringOutage, s => Assert.Equal(503, s.Status));

        // After recovery, everything works again.
        var afterRecovery = all.Where(s => s.Started > recovered + 0.5).ToArray();
        Assert.NotEmpty(afterRecovery);
        Assert.All(afterRecovery, s => Assert.True(s.Status is 200 or 201, $"{s.Operation} at {s.Started:F2} s after recovery answered {s.Status}"));
        Assert.True(loadEnded > recovered);

        // Every creation acknowledged with 201, before, during or after the crash, is still there and revealable.
        var secrets = acknowledged.ToArray();
        Assert.True(secrets.Count(a => a.At < stopping) >= CreationsEachSide, "too few creations were acknowledged before the crash");
        await Parallel.ForEachAsync(secrets, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (secret, _) =>
        {
            using var reveal = await client.RevealAsync(secret.Id, secret.AccessToken);
            Assert.True(reveal.StatusCode == HttpStatusCode.OK,
                $"a secret acknowledged at {secret.At:F2} s (crash at {stopping:F2} s, back at {restarted:F2} s) answered {(int)reveal.StatusCode}");
            var body = await reveal.AssertOkAsync();
            Assert.Equal(secret.Ciphertext, body["ciphertext"]!.GetValue<string>());
        });

        // No payload was handed out more often than its view limit, counting the views taken after the load.
        foreach (var secret in hammered)
        {
            var views = revealsOf[secret.Id].Value;
            while (true)
            {
                using var reveal = await client.RevealAsync(secret.Id, secret.AccessToken);
                if (reveal.StatusCode == HttpStatusCode.NotFound)
                {
                    break;
                }

                await reveal.AssertOkAsync();
                views++;
                Assert.True(views <= HammerViews, $"secret revealed {views} times, limit {HammerViews}");
            }

            var unavailableReveals = all.Count(s => s.Operation == "reveal " + secret.Id && s.Status == 503);
            Assert.InRange(views, HammerViews - unavailableReveals, HammerViews);
        }
    }

    private static async Task OneRequestAsync(
        HttpClient client, List<CreatedSecret> hammered, Dictionary<string, StrongBox<int>> revealsOf, ConcurrentBag<Sample> samples,
        ConcurrentBag<Acknowledged> acknowledged, Stopwatch clock)
    {
        var choice = Random.Shared.Next(10);
        var target = hammered[Random.Shared.Next(hammered.Count)];
        var started = clock.Seconds();
        var watch = Stopwatch.StartNew();
        string operation;
        try
        {
            HttpResponseMessage response;
            JsonObject? created = null;
            if (choice < 4)
            {
                operation = "create";
                created = new JsonObject
                {
                    ["ciphertext"] = ApiCalls.NewCiphertext(),
                    ["accessToken"] = ApiCalls.NewToken(),
                    ["maxViews"] = Random.Shared.Next(1, 4),
                };
                response = await client.PostAsJsonAsync("api/secrets", created);
            }
            else if (choice < 7)
            {
                operation = "reveal " + target.Id;
                response = await client.RevealAsync(target.Id, target.AccessToken);
            }
            else
            {
                operation = "get";
                response = await client.GetAsync($"api/secrets/{target.Id}");
            }

            using (response)
            {
                var text = await response.Content.ReadAsStringAsync();
                var status = (int)response.StatusCode;
                if (status == 201)
                {
                    var id = JsonNode.Parse(text)!["id"]!.GetValue<string>();
                    acknowledged.Add(new Acknowledged(id, created!["accessToken"]!.GetValue<string>(), created["ciphertext"]!.GetValue<string>(), clock.Seconds()));
                }
                else if (status == 200 && operation.StartsWith("reveal", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref revealsOf[target.Id].Value);
                }

                samples.Add(new Sample(
                    operation, status, started, watch.Seconds(), null,
                    response.Content.Headers.ContentType?.MediaType == "application/problem+json",
                    response.Headers.RetryAfter is not null,
                    response.Headers.CacheControl?.NoStore == true));
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            samples.Add(new Sample(choice < 4 ? "create" : "other", 0, started, watch.Seconds(), ex.GetType().Name + ": " + ex.Message, false, false, false));
        }
    }
}

[Trait("Backend", "Postgres")]
public sealed class PostgresOutageTests(PostgresOutageFixture fixture, ITestOutputHelper output) : OutageTests<PostgresOutageFixture>(fixture, output);

[Trait("Backend", "DynamoDb")]
public sealed class DynamoDbOutageTests(DynamoDbOutageFixture fixture, ITestOutputHelper output) : OutageTests<DynamoDbOutageFixture>(fixture, output);
