using System.Buffers.Text;
using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
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

/// <summary>
/// SPEC section 2: nothing secret (payloads, tokens, full ids) is ever logged or put into telemetry. A full lifecycle runs
/// with verbose logging and OTLP export to a real receiver; neither the captured logs nor the exported bytes contain
/// any secret value, as text or as raw bytes, while the spans are named by route.
/// </summary>
public abstract class TelemetryLeakTests<TFixture>(TFixture fixture, ITestOutputHelper output) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    [Fact]
    public async Task A_full_lifecycle_leaves_no_secret_in_logs_or_exported_telemetry()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var app = fixture.CreateApp(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",

            // Far more than production logs: everything an operator could turn on.
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Trace",
        });
        var secrets = new List<(string What, string Text)>();
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
        Assert.True(Contains(traces, Encoding.UTF8.GetBytes("POST /api/secrets/{id}/reveal")), "no server span named by route");
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
        var id = secrets[0].Text;
        Assert.DoesNotContain(id[..8], logText, StringComparison.Ordinal);
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}

[Trait("Backend", "Postgres")]
public sealed class PostgresTelemetryLeakTests(PostgresFixture fixture, ITestOutputHelper output) : TelemetryLeakTests<PostgresFixture>(fixture, output);

[Trait("Backend", "DynamoDb")]
public sealed class DynamoDbTelemetryLeakTests(DynamoDbFixture fixture, ITestOutputHelper output) : TelemetryLeakTests<DynamoDbFixture>(fixture, output);
