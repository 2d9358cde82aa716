using System.Buffers.Text;
using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Text;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SecretShare.Storage.Configuration;
using SecretShare.Tests.Infrastructure;

namespace SecretShare.Tests.Reliability;

/// <summary>
/// A real OTLP/HTTP receiver: a tiny Kestrel app on loopback that accepts <c>POST /v1/traces</c>, <c>/v1/metrics</c> and
/// <c>/v1/logs</c> and keeps the raw protobuf bytes of every export.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication app;

    private OtlpReceiver(WebApplication app) => this.app = app;

    public ConcurrentQueue<(string Signal, byte[] Body)> Exports { get; } = new();

    public string Endpoint => app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    public byte[] All(string signal) => [.. Exports.Where(e => e.Signal == signal).SelectMany(e => e.Body)];

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/{signal}", async (string signal, HttpRequest request) =>
        {
            using var body = new MemoryStream();
            var stream = request.Headers.ContentEncoding == "gzip" ? new GZipStream(request.Body, CompressionMode.Decompress) : request.Body;
            await stream.CopyToAsync(body);
            receiver.Exports.Enqueue((signal, body.ToArray()));
            return Results.Bytes([], "application/x-protobuf");
        });
        await app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}

/// <summary>A span as exported over OTLP: the scope that made it, its ids, name and kind.</summary>
public sealed record OtlpSpan(string Scope, ByteString TraceId, ByteString SpanId, ByteString ParentSpanId, string Name, OtlpSpan.SpanKind Kind)
{
    public enum SpanKind { Unspecified, Internal, Server, Client }

    /// <summary>
    /// Reads the spans out of <c>ExportTraceServiceRequest</c> messages (concatenated messages merge into one). Field numbers
    /// from opentelemetry/proto/trace/v1/trace.proto: ResourceSpans.scope_spans = 2; ScopeSpans.scope = 1 (name = 1),
    /// spans = 2; Span.trace_id = 1, span_id = 2, parent_span_id = 4, name = 5, kind = 6.
    /// </summary>
    public static List<OtlpSpan> Parse(byte[] exportTraceServiceRequests) =>
    [
        .. from resourceSpans in Fields(ByteString.CopyFrom(exportTraceServiceRequests), 1)
           from scopeSpans in Fields(resourceSpans.Bytes, 2)
           let scope = Fields(scopeSpans.Bytes, 1).SelectMany(s => Fields(s.Bytes, 1)).Select(n => n.Bytes.ToStringUtf8()).FirstOrDefault() ?? ""
           from span in Fields(scopeSpans.Bytes, 2)
           let fields = Fields(span.Bytes).ToLookup(f => f.Number)
           select new OtlpSpan(
               scope,
               fields[1].Single().Bytes,
               fields[2].Single().Bytes,
               fields[4].SingleOrDefault().Bytes ?? ByteString.Empty,
               fields[5].SingleOrDefault().Bytes?.ToStringUtf8() ?? "",
               (SpanKind)fields[6].SingleOrDefault().Varint),
    ];

    private static List<(int Number, ByteString Bytes, ulong Varint)> Fields(ByteString message, int? number = null)
    {
        var fields = new List<(int, ByteString, ulong)>();
        var input = message.CreateCodedInput();
        for (var tag = input.ReadTag(); tag != 0; tag = input.ReadTag())
        {
            var field = WireFormat.GetTagFieldNumber(tag);
            switch (WireFormat.GetTagWireType(tag))
            {
                case WireFormat.WireType.LengthDelimited:
                    fields.Add((field, input.ReadBytes(), 0));
                    break;
                case WireFormat.WireType.Varint:
                    fields.Add((field, null!, input.ReadUInt64()));
                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }

        return number is null ? fields : [.. fields.Where(f => f.Item1 == number)];
    }
}

/// <summary>
/// SPEC section 2: nothing secret (payloads, tokens, full ids) is ever logged or put into telemetry. A full lifecycle runs
/// with verbose logging and OTLP export to a real receiver; neither the captured logs nor the exported bytes contain
/// any secret value (nor the database password), as text or as raw bytes, while the server spans are named by route and
/// carry the database calls as child spans.
/// </summary>
public abstract class TelemetryLeakTests<TFixture>(TFixture fixture, ITestOutputHelper output) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    /// <summary>Settings that put <paramref name="password"/> into the database connection; empty where there is none.</summary>
    protected abstract Dictionary<string, string?> WithDatabasePassword(TFixture fixture, string password);

    /// <summary>Whether an exported span is a call to this backend's database.</summary>
    protected abstract bool IsDatabaseCall(OtlpSpan span);

    [Fact]
    public async Task A_full_lifecycle_leaves_no_secret_in_logs_or_exported_telemetry()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var password = ApiCalls.NewToken();
        var connection = WithDatabasePassword(fixture, password);
        var app = fixture.CreateApp(new Dictionary<string, string?>(connection)
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",

            // Far more than production logs: everything an operator could turn on.
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Trace",
        });
        var secrets = connection.Count > 0 ? [("database password", password)] : new List<(string What, string Text)>();
        CapturingLoggerProvider logs;
        try
        {
            logs = app.Logs;
            using var client = app.CreateHttpClient();
            var secret = await client.CreateAsync(new() { ["maxViews"] = 2, ["extendable"] = true });
            var wrongToken = ApiCalls.NewToken();
            secrets.AddRange([
                ("id", secret.Id), ("access token", secret.AccessToken), ("manage token", secret.ManageToken),
                ("ciphertext", secret.Ciphertext), ("wrong token", wrongToken),
            ]);

            await (await client.GetAsync($"api/secrets/{secret.Id}")).AssertOkAsync();
            await (await client.RevealAsync(secret.Id, wrongToken)).AssertProblemAsync(HttpStatusCode.Forbidden);
            await (await client.RevealAsync(secret.Id, secret.AccessToken)).AssertOkAsync();
            await (await client.ExtendAsync(secret.Id, secret.AccessToken, addSeconds: 60, addViews: 1)).AssertOkAsync();
            using (var deleted = await client.DeleteAsync(secret.Id, secret.ManageToken))
            {
                Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
            }

            await (await client.RevealAsync(secret.Id, secret.AccessToken)).AssertProblemAsync(HttpStatusCode.NotFound);
        }
        finally
        {
            await app.DisposeAsync();
        }

        // The host finishes stopping (and the SDK flushing) in the background: metrics, exported only every minute
        // otherwise, arrive once the final flush happened.
        await ExternalProcess.WaitUntilAsync(
            () => Task.FromResult(new[] { "traces", "metrics", "logs" }.All(signal => receiver.Exports.Any(e => e.Signal == signal))),
            TimeSpan.FromSeconds(15), "the final telemetry flush");
        await Task.Delay(TimeSpan.FromSeconds(0.5));

        var traces = receiver.All("traces");
        var metrics = receiver.All("metrics");
        var exportedLogs = receiver.All("logs");
        var logText = string.Join('\n', logs.Entries.Select(e => $"{e.Level} {e.Category}: {e.Text}"));
        output.WriteLine($"captured {logs.Entries.Count} log entries; exported {traces.Length} B of traces, {metrics.Length} B of metrics, {exportedLogs.Length} B of logs");

        Assert.NotEmpty(traces);
        Assert.NotEmpty(exportedLogs);
        var spans = OtlpSpan.Parse(traces);
        var reveals = spans.Where(s => s is { Kind: OtlpSpan.SpanKind.Server, Name: "POST /api/secrets/{id}/reveal" }).ToList();
        Assert.True(reveals.Count > 0, $"no server span named by route among {string.Join(", ", spans.Select(s => s.Name).Distinct())}");
        var databaseCalls = spans.Where(IsDatabaseCall).ToList();
        Assert.True(
            reveals.Any(reveal => databaseCalls.Any(call => call.TraceId == reveal.TraceId && call.ParentSpanId == reveal.SpanId)),
            $"no database call under a reveal; database spans: {string.Join(", ", databaseCalls.Select(s => $"{s.Scope}/{s.Name}").Distinct())}");
        output.WriteLine($"spans: {string.Join(", ", spans.Select(s => $"{s.Scope}/{s.Name}").Distinct())}");
        Assert.Contains(logs.Entries, e => e.Category.StartsWith("SecretShare", StringComparison.Ordinal));

        var exported = receiver.Exports.ToArray();
        foreach (var (what, text) in secrets)
        {
            Assert.DoesNotContain(text, logText, StringComparison.Ordinal);
            var forms = new List<byte[]> { Encoding.UTF8.GetBytes(text), Base64Url.DecodeFromChars(text) };
            foreach (var form in forms)
            {
                foreach (var (signal, body) in exported)
                {
                    Assert.False(Contains(body, form), $"the {what} is in exported {signal}");
                }
            }
        }

        // A short prefix is allowed (and is what the logs use); the full id never.
        var id = secrets.Single(s => s.What == "id").Text;
        Assert.DoesNotContain(id[..8], logText, StringComparison.Ordinal);
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}

[Trait("Backend", "Postgres")]
public sealed class PostgresTelemetryLeakTests(PostgresFixture fixture, ITestOutputHelper output) : TelemetryLeakTests<PostgresFixture>(fixture, output)
{
    // The test server trusts loopback connections, so any password is accepted and must still never be exported.
    protected override Dictionary<string, string?> WithDatabasePassword(PostgresFixture fixture, string password) => new()
    {
        [EnvironmentVariables.DatabaseUrl] = fixture.DatabaseUrl.Replace("://postgres@", $"://postgres:{password}@", StringComparison.Ordinal),
    };

    protected override bool IsDatabaseCall(OtlpSpan span) => span.Scope == "Npgsql";
}

[Trait("Backend", "DynamoDb")]
public sealed class DynamoDbTelemetryLeakTests(DynamoDbFixture fixture, ITestOutputHelper output) : TelemetryLeakTests<DynamoDbFixture>(fixture, output)
{
    // The SDK signs requests with its secret key; the key itself never travels.
    protected override Dictionary<string, string?> WithDatabasePassword(DynamoDbFixture fixture, string password) => [];

    // The SDK's calls are HTTP requests, named after the operation by the service defaults.
    protected override bool IsDatabaseCall(OtlpSpan span) =>
        span is { Scope: "System.Net.Http", Kind: OtlpSpan.SpanKind.Client } && span.Name.StartsWith("DynamoDB.", StringComparison.Ordinal);
}
