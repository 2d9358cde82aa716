// The DynamoDB ceiling for bench/run.sh: the API's own storage layer (SecretShare.Storage, registered exactly as the API
// registers it, DynamoDB client settings and per-attempt deadline included) called in N concurrent loops against the
// same DynamoDB Local, without HTTP, ASP.NET Core or the service's checks. Whatever the repository sends (the create's
// TransactWriteItems, the reveal's BatchGetItem and TransactWriteItems with its events) the ceiling sends too.
//   create    = ISecretRepository.CreateAsync
//   lifecycle = CreateAsync (create request), then RevealAsync of the one view (reveal request)
//   metadata  = FindLiveAsync of 200 seeded secrets
// Prints one JSON line: requests and lifecycles per second, per-request latency percentiles, errors.
using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SecretShare.Storage;
using SecretShare.Storage.Configuration;
using SecretShare.Storage.Secrets;

var options = Options.Parse(args);
var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
{
    [EnvironmentVariables.DynamoDbTable] = options.Table,
    [EnvironmentVariables.DynamoDbEndpoint] = options.Endpoint,
    [EnvironmentVariables.AwsRegion] = "us-east-1",

    // The events are keyed as the API keys them (docs/design.md, "Audit keys"): one key for this run.
    ["SecretShare:Audit:CurrentKeyId"] = "bench",
    ["SecretShare:Audit:Keys:bench"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
});
builder.AddSecretStorage();
using var host = builder.Build();
var calls = new Calls(host.Services.GetRequiredService<ISecretRepository>(), options.PayloadBytes);
var ids = options.Scenario == "metadata" ? await calls.SeedAsync(200) : [];

// Warm-up, then the measured run; both with the same loops.
if (options.Warmup > TimeSpan.Zero)
{
    await RunAsync(options.Warmup);
}

var result = await RunAsync(options.Duration);
Console.WriteLine(JsonSerializer.Serialize(result));
return 0;

async Task<Dictionary<string, object>> RunAsync(TimeSpan duration)
{
    var workers = Enumerable.Range(0, options.Concurrency).Select(_ => new Worker()).ToArray();
    var stopwatch = Stopwatch.StartNew();
    await Task.WhenAll(workers.Select((worker, index) => Task.Run(async () =>
    {
        var next = index;
        while (stopwatch.Elapsed < duration)
        {
            try
            {
                switch (options.Scenario)
                {
                    case "create":
                        await worker.TimeAsync(() => calls.CreateAsync());
                        break;
                    case "lifecycle":
                        var id = "";
                        await worker.TimeAsync(async () => id = await calls.CreateAsync());
                        await worker.TimeAsync(() => calls.RevealAsync(id));
                        worker.Lifecycles++;
                        break;
                    default:
                        await worker.TimeAsync(() => calls.FindAsync(ids[next++ % ids.Length]));
                        break;
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                worker.Errors++;
            }
        }
    })));
    var elapsed = stopwatch.Elapsed.TotalSeconds;

    var latencies = workers.SelectMany(w => w.LatenciesUs).Order().ToArray();
    long Percentile(double p) => latencies.Length == 0 ? 0 : latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(p / 100 * latencies.Length) - 1)];
    return new Dictionary<string, object>
    {
        ["scenario"] = options.Scenario,
        ["concurrency"] = options.Concurrency,
        ["duration_s"] = Math.Round(elapsed, 3),
        ["requests"] = latencies.Length,
        ["requests_per_s"] = Math.Round(latencies.Length / elapsed, 1),
        ["lifecycles_per_s"] = Math.Round(workers.Sum(w => w.Lifecycles) / elapsed, 1),
        ["errors"] = workers.Sum(w => w.Errors),
        ["latency_us"] = new Dictionary<string, long> { ["p50"] = Percentile(50), ["p90"] = Percentile(90), ["p99"] = Percentile(99) },
    };
}

internal sealed class Worker
{
    public List<long> LatenciesUs { get; } = new(1 << 16);
    public long Lifecycles { get; set; }
    public long Errors { get; set; }

    public async Task TimeAsync(Func<Task> operation)
    {
        var start = Stopwatch.GetTimestamp();
        await operation();
        LatenciesUs.Add((long)Stopwatch.GetElapsedTime(start).TotalMicroseconds);
    }
}

/// <summary>What SecretService asks of the repository for each request, with the same ids, hashes and times.</summary>
internal sealed class Calls(ISecretRepository repository, int payloadBytes)
{
    private readonly byte[] payload = Payload(payloadBytes);
    private readonly byte[] accessHash = SHA256.HashData(RandomNumberGenerator.GetBytes(32));

    public async Task<string[]> SeedAsync(int count)
    {
        var ids = new string[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = await CreateAsync(maxViews: null);
        }

        return ids;
    }

    public async Task<string> CreateAsync(int? maxViews = 1)
    {
        var now = Now();
        var state = new SecretState(
            Id: Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)),
            AccessHash: accessHash,
            ManageHash: SHA256.HashData(RandomNumberGenerator.GetBytes(32)),
            CreatedAt: now,
            ExpiresAt: now.AddDays(1),
            ExpiresAtLimit: now.AddDays(1),
            MaxViews: maxViews,
            Views: 0,
            FailedAttempts: 0,
            Extendable: false,
            PassphraseProtected: false);
        await repository.CreateAsync(new NewSecret(state, payload), CancellationToken.None);
        return state.Id;
    }

    public async Task RevealAsync(string id)
    {
        var result = await repository.RevealAsync(new TokenAttempt(id, accessHash, Now(), MaxFailedAttempts: 5), CancellationToken.None);
        if (result.Value is not { Burned: true })
        {
            throw new InvalidOperationException("A one-view secret was not burned by its reveal.");
        }
    }

    public async Task FindAsync(string id)
    {
        if (await repository.FindLiveAsync(id, Now(), CancellationToken.None) is null)
        {
            throw new InvalidOperationException("A seeded secret is missing.");
        }
    }

    // Whole seconds, as SecretService stores them.
    private static DateTimeOffset Now()
    {
        var now = DateTimeOffset.UtcNow;
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
    }

    private static byte[] Payload(int bytes)
    {
        var data = RandomNumberGenerator.GetBytes(bytes);
        data[0] = 0x01;
        return data;
    }
}

internal sealed record Options(string Endpoint, string Table, string Scenario, int Concurrency, TimeSpan Duration, TimeSpan Warmup, int PayloadBytes)
{
    public static Options Parse(string[] args)
    {
        var values = new Dictionary<string, string>();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }

        string Get(string name, string? fallback = null) =>
            values.TryGetValue(name, out var value) ? value : fallback ?? throw new ArgumentException($"--{name} is required");

        var scenario = Get("scenario", "lifecycle");
        if (scenario is not ("create" or "lifecycle" or "metadata"))
        {
            throw new ArgumentException("--scenario must be create, lifecycle or metadata");
        }

        return new Options(
            Get("endpoint"),
            Get("table"),
            scenario,
            int.Parse(Get("concurrency", "1"), CultureInfo.InvariantCulture),
            TimeSpan.FromSeconds(double.Parse(Get("duration", "20"), CultureInfo.InvariantCulture)),
            TimeSpan.FromSeconds(double.Parse(Get("warmup", "5"), CultureInfo.InvariantCulture)),
            int.Parse(Get("payload-bytes", "1024"), CultureInfo.InvariantCulture));
    }
}
