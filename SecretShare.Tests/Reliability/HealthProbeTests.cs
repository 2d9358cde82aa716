using System.Diagnostics;
using System.Net;
using SecretShare.Storage.Configuration;
using SecretShare.Tests.Infrastructure;

namespace SecretShare.Tests.Reliability;

/// <summary>
/// <c>/health</c> is unauthenticated and not rate limited, and orchestrators poll it: on DynamoDB each probe would be a
/// DescribeTable call, a control-plane operation with a low account-wide rate (a probe flood could get the table's
/// describes throttled and every instance reported unhealthy). The result is kept briefly; probes are not traced.
/// </summary>
[Trait("Backend", "DynamoDb")]
public sealed class DynamoDbHealthProbeTests(DynamoDbFixture fixture) : IClassFixture<DynamoDbFixture>
{
    [Fact]
    public async Task A_flood_of_health_probes_costs_at_most_one_DescribeTable_per_few_seconds()
    {
        await using var relay = new TcpRelay(new Uri(fixture.Endpoint));
        await using var app = fixture.CreateApp(new Dictionary<string, string?> { [EnvironmentVariables.DynamoDbEndpoint] = relay.Endpoint });
        using var client = app.CreateHttpClient();
        await (await client.GetAsync("health")).Content.ReadAsStringAsync();

        relay.Count("DynamoDB_20120810.DescribeTable");
        var statuses = await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
        {
            using var response = await client.GetAsync("health");
            return response.StatusCode;
        }));

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        // One cache period may end during the flood on a slow machine.
        Assert.InRange(relay.Counted, 0, 2);
    }

    [Fact]
    public async Task A_cut_database_shows_in_health_once_the_short_cache_period_has_passed()
    {
        await using var relay = new TcpRelay(new Uri(fixture.Endpoint));
        await using var app = fixture.CreateApp(new Dictionary<string, string?> { [EnvironmentVariables.DynamoDbEndpoint] = relay.Endpoint });
        using var client = app.CreateHttpClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("health")).StatusCode);

        relay.Cut();
        await ExternalProcess.WaitUntilAsync(
            async () => (await client.GetAsync("health")).StatusCode == HttpStatusCode.ServiceUnavailable,
            TimeSpan.FromSeconds(30), "/health to report the cut database");
    }
}

/// <summary>
/// Probes are not traffic: neither they nor the database calls they make become spans, as in Aspire's template, also
/// under the <c>always_on</c> sampler Aspire gives its projects (which records a child whose parent was filtered out).
/// </summary>
public abstract class HealthProbeTraceTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    [Fact]
    public async Task Health_probes_and_the_database_calls_they_make_export_no_span()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var app = fixture.CreateApp(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_TRACES_SAMPLER"] = "always_on",
        });
        // Each probe comes as part of a sampled trace of its own, as from a traced caller: no span may join it. Sent
        // over a plain socket: an HttpClient in this process would start a span of its own and replace the header.
        var probeTraces = new List<ActivityTraceId>();
        try
        {
            using var client = app.CreateHttpClient();
            foreach (var path in new[] { "health", "alive", "health", "alive", "health" })
            {
                var trace = ActivityTraceId.CreateRandom();
                probeTraces.Add(trace);
                Assert.StartsWith("HTTP/1.1 200", await ProbeAsync(app.BaseAddress, path, trace));
            }

            // Traced: a server span with its database calls under it.
            await client.CreateAsync();
        }
        finally
        {
            await app.DisposeAsync();
        }

        await ExternalProcess.WaitUntilAsync(
            () => Task.FromResult(Spans().Any(s => s is { Kind: OtlpSpan.SpanKind.Server, Name: "POST /api/secrets/" })),
            TimeSpan.FromSeconds(15), $"the final flush (spans: {string.Join(", ", Spans().Select(s => $"{s.Kind} {s.Name}"))})");

        // (Spans of other tests' servers in this process may be among them: listeners are process-wide.)
        var spans = Spans();
        var probeTraceIds = probeTraces.Select(trace =>
        {
            var bytes = new byte[16];
            trace.CopyTo(bytes);
            return Google.Protobuf.ByteString.CopyFrom(bytes);
        }).ToHashSet();
        var inProbes = spans.Where(s => probeTraceIds.Contains(s.TraceId)).Select(s => $"{s.Kind} {s.Scope}/{s.Name}").ToList();
        Assert.True(inProbes.Count == 0, $"spans in the probes' traces: {string.Join(", ", inProbes)}");

        List<OtlpSpan> Spans() => OtlpSpan.Parse(receiver.All("traces"));
    }

    /// <summary>One GET with a <c>traceparent</c> of the given trace; returns the status line.</summary>
    private static async Task<string> ProbeAsync(Uri server, string path, ActivityTraceId trace)
    {
        using var socket = new System.Net.Sockets.TcpClient();
        await socket.ConnectAsync(server.Host, server.Port);
        var stream = socket.GetStream();
        var request = $"GET /{path} HTTP/1.1\r\nHost: {server.Authority}\r\n" +
            $"traceparent: 00-{trace.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, System.Text.Encoding.ASCII);
        return await reader.ReadLineAsync() ?? "";
    }
}

[Trait("Backend", "Postgres")]
public sealed class PostgresHealthProbeTraceTests(PostgresFixture fixture) : HealthProbeTraceTests<PostgresFixture>(fixture);

[Trait("Backend", "DynamoDb")]
public sealed class DynamoDbHealthProbeTraceTests(DynamoDbFixture fixture) : HealthProbeTraceTests<DynamoDbFixture>(fixture);
