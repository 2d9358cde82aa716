// The DynamoDB ceiling for bench/run.sh: exactly the calls that SecretShare.Storage/DynamoDb/DynamoDbSecretRepository
// makes for one request, in N concurrent loops against the same DynamoDB Local, with the same client settings.
//   create    = PutItem with attribute_not_exists(#id)
//   lifecycle = PutItem (create request), then UpdateItem ALL_NEW with the request marker + DeleteItem of the
//               burned item (reveal request)
//   metadata  = GetItem ConsistentRead with the state projection
// Prints one JSON line: requests and lifecycles per second, per-request latency percentiles (a reveal request's
// latency spans both of its calls, as the API's does), errors.
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;

var options = Options.Parse(args);
using var client = new AmazonDynamoDBClient(
    new BasicAWSCredentials("local", "local"),
    new AmazonDynamoDBConfig
    {
        ServiceURL = options.Endpoint,
        AuthenticationRegion = "us-east-1",
        Timeout = TimeSpan.FromSeconds(5), // as the API configures its client
        MaxErrorRetry = 2,
    });

var calls = new Calls(client, options.Table, options.PayloadBytes);
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
    var workers = new Worker[options.Concurrency];
    var stopwatch = Stopwatch.StartNew();
    var stopAt = duration;
    for (var i = 0; i < workers.Length; i++)
    {
        workers[i] = new Worker();
    }

    await Task.WhenAll(workers.Select((worker, index) => Task.Run(async () =>
    {
        var next = index;
        while (stopwatch.Elapsed < stopAt)
        {
            try
            {
                switch (options.Scenario)
                {
                    case "create":
                        await worker.TimeAsync(() => calls.CreateAsync());
                        break;
                    case "lifecycle":
                        string id = "";
                        await worker.TimeAsync(async () => id = await calls.CreateAsync());
                        await worker.TimeAsync(() => calls.RevealAsync(id));
                        worker.Lifecycles++;
                        break;
                    default:
                        await worker.TimeAsync(() => calls.FindAsync(ids[next++ % ids.Length]));
                        break;
                }
            }
            catch (Exception ex) when (ex is AmazonServiceException or HttpRequestException or TaskCanceledException or InvalidOperationException)
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

/// <summary>The repository's requests, attribute for attribute (see DynamoDbSecretRepository and SecretItem).</summary>
internal sealed class Calls(IAmazonDynamoDB dynamoDb, string table, int payloadBytes)
{
    private static readonly string[] StateAttributes =
        ["id", "access_hash", "manage_hash", "created_at", "expires_at", "max_views", "views", "failed_attempts", "extendable", "passphrase_protected"];

    private readonly byte[] payload = Payload(payloadBytes);
    private readonly byte[] accessToken = RandomNumberGenerator.GetBytes(32);

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
        // As SecretService.CreateAsync: a random id, SHA-256 of the access token and of a fresh manage token.
        var id = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var now = DateTimeOffset.UtcNow;
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
        var item = new Dictionary<string, AttributeValue>
        {
            ["id"] = new() { S = id },
            ["encrypted_data"] = Binary(payload),
            ["access_hash"] = Binary(SHA256.HashData(accessToken)),
            ["manage_hash"] = Binary(SHA256.HashData(RandomNumberGenerator.GetBytes(32))),
            ["created_at"] = new() { S = now.UtcDateTime.ToString("O", CultureInfo.InvariantCulture) },
            ["expires_at"] = Number(now.AddDays(1).ToUnixTimeSeconds()),
            ["views"] = Number(0),
            ["failed_attempts"] = Number(0),
            ["extendable"] = new() { BOOL = false },
            ["passphrase_protected"] = new() { BOOL = false },
        };
        if (maxViews is { } views)
        {
            item["max_views"] = Number(views);
        }

        await dynamoDb.PutItemAsync(new PutItemRequest
        {
            TableName = table,
            Item = item,
            ConditionExpression = "attribute_not_exists(#id)",
            ExpressionAttributeNames = Names("id"),
        });
        return id;
    }

    public async Task RevealAsync(string id)
    {
        var now = DateTimeOffset.UtcNow;
        var response = await dynamoDb.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = table,
            Key = Key(id),
            UpdateExpression = "SET #views = #views + :one, #failed_attempts = :zero, #last_request = :request",
            ConditionExpression = "#access_hash = :hash AND #expires_at > :now AND (attribute_not_exists(#max_views) OR #views < #max_views)",
            ExpressionAttributeNames = Names("views", "failed_attempts", "last_request", "access_hash", "expires_at", "max_views"),
            ExpressionAttributeValues = new()
            {
                [":one"] = Number(1),
                [":zero"] = Number(0),
                [":hash"] = Binary(SHA256.HashData(accessToken)),
                [":now"] = Number(now.ToUnixTimeSeconds()),
                [":request"] = Binary(RandomNumberGenerator.GetBytes(16)), // the repository's request marker
            },
            ReturnValues = ReturnValue.ALL_NEW,
            ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
        });
        var item = response.Attributes;
        _ = item["encrypted_data"].B.ToArray();
        var views = int.Parse(item["views"].N, CultureInfo.InvariantCulture);
        if (item.TryGetValue("max_views", out var max) && views >= int.Parse(max.N, CultureInfo.InvariantCulture))
        {
            await dynamoDb.DeleteItemAsync(new DeleteItemRequest { TableName = table, Key = Key(id) });
        }
        else
        {
            throw new InvalidOperationException("A one-view secret was not burned by its reveal.");
        }
    }

    public async Task FindAsync(string id)
    {
        var response = await dynamoDb.GetItemAsync(new GetItemRequest
        {
            TableName = table,
            Key = Key(id),
            ConsistentRead = true,
            ProjectionExpression = string.Join(", ", StateAttributes.Select(a => "#" + a)),
            ExpressionAttributeNames = Names(StateAttributes),
        });
        if (response.Item is not { Count: > 0 })
        {
            throw new InvalidOperationException("A seeded secret is missing.");
        }
    }

    private static byte[] Payload(int bytes)
    {
        var data = RandomNumberGenerator.GetBytes(bytes);
        data[0] = 0x01;
        return data;
    }

    private static Dictionary<string, string> Names(params string[] attributes) => attributes.ToDictionary(a => "#" + a, a => a);

    private static Dictionary<string, AttributeValue> Key(string id) => new() { ["id"] = new AttributeValue { S = id } };

    private static AttributeValue Binary(byte[] value) => new() { B = new MemoryStream(value, writable: false) };

    private static AttributeValue Number(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };
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
