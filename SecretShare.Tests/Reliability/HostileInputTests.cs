using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SecretShare.Tests.Infrastructure;

namespace SecretShare.Tests.Reliability;

/// <summary>One generated request: what it is made of, printed in full when a property fails.</summary>
public sealed record HostileRequest(string Method, string Path, string? ContentType, byte[] Body, (string Name, string Value)[] Headers)
{
    public override string ToString() =>
        $"{Method} {Path} [{ContentType}] headers: {string.Join("; ", Headers.Select(h => $"{h.Name}: {Truncate(h.Value)}"))} " +
        $"body ({Body.Length} B): {Truncate(Encoding.UTF8.GetString(Body))}";

    private static string Truncate(string text) => text.Length > 200 ? text[..200] + "…" : text;
}

/// <summary>
/// Random and malformed requests at every endpoint, generated with FsCheck: never a 5xx, never a crash, every 4xx
/// is problem+json with the security headers; protocol-level garbage on raw sockets never gets a 5xx; and Kestrel
/// cuts off clients that dribble their headers or body (limits from <c>SecretShare:Kestrel</c>).
/// </summary>
[Trait("Backend", "Postgres")]
public sealed class HostileInputTests(PostgresFixture fixture, ITestOutputHelper output) : IClassFixture<PostgresFixture>
{
    private const int MaxTests = 200;

    /// <summary>The default request body limit: the largest payload in base64url plus 4 KB (SecretLimitsOptions).</summary>
    private const int MaxRequestBodyBytes = (262_144 + 2) / 3 * 4 + 4096;

    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];

    private static readonly string[] PathTemplates =
    [
        "/api/secrets", "/api/secrets/{id}", "/api/secrets/{id}/reveal", "/api/secrets/{id}/extend", "/api/secrets/{id}/{id}",
        "/health", "/alive", "/", "/s/{id}", "/openapi/v1.json", "/api", "/api/secrets/",
        "/api/requests", "/api/requests/{id}", "/api/requests/{id}/answers", "/request", "/r/{id}", "/i/{id}",
    ];

    private static readonly string?[] ContentTypes =
    [
        null, "application/json", "application/json; charset=utf-8", "application/json; charset=utf-16", "application/json; charset=bogus",
        "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz", "application/problem+json",
        "application/*", "a/b/c", ";;;", "application/json; charset=\"",
    ];

    private static Gen<string> Ids(string existing) => Gen.OneOf(
        Gen.Constant(existing),
        Gen.Fresh(ApiCalls.NewId),
        Gen.Elements("", "..", "%2e%2e", "%00", "%ZZ", "AAAAAAAAAAAAAAAAAAAAAA==", "AAAAAAAAAAAAAAAAAAAAAB", "admin'--", "%F0%9F%94%91", "null", "-1"),
        Gen.Choose(1, 6000).Select(n => new string('A', n)),
        Gen.ArrayOf(Gen.Elements("A", "z", "-", "_", "%20", "+", "~", "é", "%0A", ".", "9"), 22).Select(parts => string.Concat(parts)));

    private static Gen<string> JsonValues(string existingToken) => Gen.OneOf(
        Gen.Elements("null", "true", "false", "0", "-1", "1e999", "-0", "1.5", "9223372036854775808", "\"\"", "\"60\"", "[]", "{}", "[null]",
            "{\"$ref\":\"#\"}", "\"\\u0000\"", "\"\\ud800\"", new string('[', 200) + new string(']', 200)),
        Gen.Constant($"\"{existingToken}\""),
        Gen.Fresh(() => $"\"{ApiCalls.NewToken()}\""),
        Gen.Fresh(() => $"\"{ApiCalls.NewCiphertext(Random.Shared.Next(1, 400))}\""),
        Gen.Choose(int.MinValue, int.MaxValue).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    private static readonly string[] Fields = ["ciphertext", "accessToken", "expiresInSeconds", "maxViews", "extendable", "passphraseProtected", "addSeconds", "addViews", "unknown", "CIPHERTEXT", ""];

    private static Gen<byte[]> Bodies(string existingToken) => Gen.Frequency(
        (1, Gen.Constant(Array.Empty<byte>())),
        (4, Gen.Choose(0, 12).SelectMany(count => Gen.ArrayOf(
                Gen.Elements(Fields).SelectMany(field => JsonValues(existingToken).Select(value => $"\"{field}\":{value}")), count))
            .Select(pairs => Encoding.UTF8.GetBytes("{" + string.Join(",", pairs) + "}"))),
        (2, Gen.Elements(
            "{", "}", "[", "\"", "{\"ciphertext\":", "{\"accessToken\":\"a\",\"accessToken\":\"b\"}", "\uFEFF{}", "{'a':1}", "{\"a\":1,}",
            "ciphertext=AQID&accessToken=x", "--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--xyz--", "\0\0\0\0")
            .Select(text => Encoding.UTF8.GetBytes(text))),
        (2, Gen.Choose(0, 3000).Select(n => RandomBytes(n))),
        (1, Gen.Elements(300_000, 353_000, 353_700, 400_000, 1_100_000).Select(n => Encoding.ASCII.GetBytes("{\"ciphertext\":\"" + new string('A', n) + "\"}"))));

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }

    private static Gen<(string, string)[]> Headers(string existingToken) => Gen.Choose(0, 4).SelectMany(count => Gen.ArrayOf(Gen.OneOf(
        Gen.Elements(
            ("Authorization", "Bearer"), ("Authorization", "Bearer "), ("Authorization", "Basic Zm9vOmJhcg=="), ("Authorization", "bearer " + existingToken),
            ("Authorization", "Bearer " + new string('A', 8000)), ("Authorization", "Bearer " + existingToken + " extra"),
            ("Accept", "application/xml"), ("Accept", "*/*;q=abc"), ("Accept-Charset", "utf-7"), ("Content-Encoding", "gzip"), ("Content-Encoding", "br"),
            ("Range", "bytes=9999999-"), ("Range", "bytes=abc"), ("If-None-Match", "*"), ("If-Modified-Since", "yesterday"),
            ("X-Forwarded-For", "1.2.3.4, ::1, garbage"), ("X-Forwarded-Proto", "gopher"), ("Host", "evil.example"), ("Origin", "null"),
            ("Cookie", "a=" + new string('b', 4000)), ("Expect", "100-continue"), ("Connection", "upgrade"), ("Upgrade", "h2c"),
            ("traceparent", "00-zzzz-zzzz-01"), ("X-HTTP-Method-Override", "DELETE")),
        Gen.Fresh(() => ("Authorization", "Bearer " + ApiCalls.NewToken())),
        Gen.Fresh(() => ("X-" + Guid.NewGuid().ToString("N")[..8], new string('v', Random.Shared.Next(0, 2000))))), count));

    [Fact]
    public async Task Random_and_malformed_requests_at_every_endpoint_never_get_a_5xx_and_every_4xx_is_problem_json()
    {
        // Kestrel logs each request it refuses itself at Debug: the proof that an answer without the app's headers
        // never reached the app.
        await using var app = fixture.CreateApp(KestrelRefusalLogging);
        using var client = app.CreateHttpClient();
        var secret = await client.CreateAsync(new() { ["maxViews"] = 100, ["extendable"] = true });

        // Weighted towards the API's own calls, where the body and the token are actually read.
        var methods = Gen.Frequency((6, Gen.Constant("POST")), (2, Gen.Constant("GET")), (2, Gen.Constant("DELETE")), (2, Gen.Elements(Methods)));
        var templates = Gen.Frequency((6, Gen.Elements(PathTemplates[..4])), (2, Gen.Elements(PathTemplates)));
        var requests = from method in methods
                       from template in templates
                       from id in Ids(secret.Id)
                       from query in Gen.Elements("", "?", "?a=1", "?maxViews=1&maxViews=2", "?%ZZ", "#fragment")
                       from contentType in Gen.Elements(ContentTypes)
                       from body in Bodies(secret.AccessToken)
                       from headers in Headers(secret.AccessToken)
                       select new HostileRequest(method, template.Replace("{id}", id, StringComparison.Ordinal) + query, contentType, body, headers);

        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
        var property = Prop.ForAll(requests.ToArbitrary(), request =>
        {
            var status = SendAsync(client, request, app.Logs).GetAwaiter().GetResult();
            statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(MaxTests).WithQuietOnSuccess(true), property);
        output.WriteLine($"statuses: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}");

        Assert.DoesNotContain(app.Logs.Entries, e => e.Category.StartsWith("Microsoft.AspNetCore.Diagnostics", StringComparison.Ordinal));
        await AssertStillServingAsync(app.BaseAddress);
    }

    [Fact]
    public async Task Requests_that_Kestrel_refuses_before_the_app_get_an_empty_answer_that_Kestrel_logs()
    {
        await using var app = fixture.CreateApp(KestrelRefusalLogging);
        using var client = app.CreateHttpClient();
        HostileRequest[] refusedByKestrel =
        [
            new("GET", "/health", null, [], [("Host", "a.example"), ("Host", "b.example")]),
            new("GET", "/api/secrets/%00", null, [], []),
            new("GET", "/s/" + new string('a', 70_000), null, [], []),
        ];

        foreach (var hostile in refusedByKestrel)
        {
            var before = KestrelRefusals(app.Logs);
            var status = await SendAsync(client, hostile, app.Logs);
            Assert.True(status is 400 or 414, $"{status} for {hostile}");
            Assert.True(KestrelRefusals(app.Logs) > before, $"Kestrel did not refuse {hostile} itself");
        }

        await AssertStillServingAsync(app.BaseAddress);
    }

    private static async Task<int> SendAsync(HttpClient client, HostileRequest hostile, CapturingLoggerProvider logs)
    {
        var refusedBefore = KestrelRefusals(logs);
        HttpResponseMessage sent;
        try
        {
            using var request = Build(hostile, freshConnection: false);
            try
            {
                sent = await client.SendAsync(request);
            }
            catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ResponseEnded)
            {
                // A pooled keep-alive connection that the server had just given up on (say, after failing to drain the
                // previous hostile request's body in time on a loaded machine) ended before any answer. That is the
                // client's race, not this request's outcome: send it again on a connection of its own, where it must
                // get a proper answer.
                using var retry = Build(hostile, freshConnection: true);
                sent = await client.SendAsync(retry);
            }
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.Unknown && ex.InnerException is IOException &&
            (hostile.Body.Length > MaxRequestBodyBytes || hostile.Path.Contains("%00", StringComparison.Ordinal)))
        {
            // Refused before the upload ended (too large, or a path Kestrel rejects): the server answers and closes
            // while the client is still writing, and the client's write fails first. Not an answer, not a crash.
            return -1;
        }

        using var response = sent;
        var status = (int)response.StatusCode;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status < 500, $"{status} for {hostile}: {body}");
        if (status is 400 or 414 or 431 && body.Length == 0 && response.Headers.ConnectionClose == true && !response.Headers.Contains("X-Content-Type-Options"))
        {
            // Kestrel refuses some requests before any middleware runs (an oversize request line or header block, a
            // NUL in the path, two Host headers): an empty answer that closes the connection, without the app's
            // headers. Such an answer is only acceptable when Kestrel itself logged the refusal.
            await ExternalProcess.WaitUntilAsync(
                () => Task.FromResult(KestrelRefusals(logs) > refusedBefore), TimeSpan.FromSeconds(5), $"Kestrel's log of refusing {hostile}");
            return status;
        }

        ReliabilitySupport.AssertSecurityHeaders(response, $"{status} for {hostile}");
        if (status >= 400 && hostile.Method != "HEAD")
        {
            Assert.True(
                response.Content.Headers.ContentType?.MediaType == "application/problem+json",
                $"{status} without problem+json ({response.Content.Headers.ContentType}) for {hostile}");
        }

        return status;
    }

    private const string KestrelBadRequests = "Microsoft.AspNetCore.Server.Kestrel.BadRequests";

    private static Dictionary<string, string?> KestrelRefusalLogging => new() { [$"Logging:LogLevel:{KestrelBadRequests}"] = "Debug" };

    private static int KestrelRefusals(CapturingLoggerProvider logs) => logs.Entries.Count(e => e.Category == KestrelBadRequests);

    private static HttpRequestMessage Build(HostileRequest hostile, bool freshConnection)
    {
        var request = new HttpRequestMessage(new HttpMethod(hostile.Method), hostile.Path);
        if (hostile.Body.Length > 0 || hostile.ContentType is not null)
        {
            request.Content = new ByteArrayContent(hostile.Body);
            if (hostile.ContentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", hostile.ContentType);
            }
        }

        foreach (var (name, value) in hostile.Headers)
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content ??= new ByteArrayContent([]);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        if (freshConnection)
        {
            request.Headers.ConnectionClose = true;
        }

        return request;
    }

    /// <summary>Garbage below HTTP: whatever Kestrel answers, it is never a 5xx, and the server keeps serving.</summary>
    [Fact]
    public async Task Protocol_garbage_on_raw_sockets_never_gets_a_5xx()
    {
        await using var app = fixture.CreateApp();
        using var client = app.CreateHttpClient();
        var baseAddress = app.BaseAddress;

        var requestLines = Gen.Elements(
            "GET / HTTP/1.1", "GET /api/secrets/x HTTP/1.0", "POST /api/secrets HTTP/1.1", "GET / HTTP/9.9", "GET  / HTTP/1.1", "get / http/1.1",
            "GET /\0 HTTP/1.1", "GET http://evil/ HTTP/1.1", "CONNECT 127.0.0.1:1 HTTP/1.1", "GET * HTTP/1.1", "PRI * HTTP/2.0", "", "GARBAGE",
            "GET /" + new string('a', 70_000) + " HTTP/1.1");
        var headerLines = Gen.Elements(
            "Host: x", "Host:", "Host: a\0b", "Content-Length: abc", "Content-Length: -5", "Content-Length: 5\r\nContent-Length: 6",
            "Content-Length: 99999999999999999999", "Transfer-Encoding: chunked", "Transfer-Encoding: gzip, chunked", "Transfer-Encoding: bogus",
            "Content-Type: application/json", "X: " + new string('x', 40_000), "Bad Header: 1", ": empty", "X-Ünicode: ü", "\tfolded: 1",
            "Connection: close", "Content-Length: 10");
        var bodies = Gen.Elements("", "{}", "zz\r\n", "5\r\n{}\r\n0\r\n\r\n", "FFFFFFFFFFFF\r\n", "-1\r\n", "{\"ciphertext\":1}");
        var raw = from line in requestLines
                  from headers in Gen.Choose(0, 5).SelectMany(n => Gen.ArrayOf(headerLines, n))
                  from body in bodies
                  from junk in Gen.Choose(0, 40).Select(n => RandomBytes(n))
                  select Encoding.Latin1.GetBytes(line + "\r\n" + string.Join("\r\n", headers) + "\r\n\r\n" + body).Concat(Random.Shared.Next(4) == 0 ? junk : []).ToArray();

        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
        var property = Prop.ForAll(raw.ToArbitrary(), bytes =>
        {
            using var socket = ReliabilitySupport.ConnectAsync(baseAddress).GetAwaiter().GetResult();
            ReliabilitySupport.TrySendAsync(socket, bytes).GetAwaiter().GetResult();
            try
            {
                socket.Shutdown(SocketShutdown.Send);
            }
            catch (SocketException)
            {
                // Already closed by the server.
            }

            var (received, closed) = ReliabilitySupport.ReadUntilClosedAsync(socket, TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
            Assert.True(closed, $"the server kept a half-closed connection open: {Encoding.Latin1.GetString(bytes)[..Math.Min(300, bytes.Length)]}");
            var status = ReliabilitySupport.StatusOf(received);

            // 505 is the protocol's own answer to an unsupported HTTP version, not a server failure.
            Assert.True(status < 500 || (status == 505 && !Encoding.Latin1.GetString(bytes).StartsWith("GET / HTTP/1.1", StringComparison.Ordinal)), $"{status} for {Encoding.Latin1.GetString(bytes)[..Math.Min(300, bytes.Length)]}:\n{received}");
            statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(MaxTests).WithQuietOnSuccess(true), property);
        output.WriteLine($"first statuses (0 = closed without an answer): {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}");

        Assert.DoesNotContain(app.Logs.Entries, e => e.Category.StartsWith("Microsoft.AspNetCore.Diagnostics", StringComparison.Ordinal));
        await AssertStillServingAsync(app.BaseAddress);
    }

    [Fact]
    public async Task The_slow_client_limits_default_to_10_s_for_headers_and_240_B_per_s_after_5_s_for_bodies()
    {
        await using var app = fixture.CreateApp();
        var limits = app.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits;
        Assert.Equal(TimeSpan.FromSeconds(10), limits.RequestHeadersTimeout);
        Assert.Equal(240, limits.MinRequestBodyDataRate!.BytesPerSecond);
        Assert.Equal(TimeSpan.FromSeconds(5), limits.MinRequestBodyDataRate.GracePeriod);
    }

    [Fact]
    public async Task A_client_that_dribbles_its_headers_is_cut_off_after_the_header_timeout()
    {
        await using var app = fixture.CreateApp(SlowClientLimits);
        using var socket = await ReliabilitySupport.ConnectAsync(app.BaseAddress);
        var watch = Stopwatch.StartNew();
        await socket.SendAsync(Encoding.ASCII.GetBytes("POST /api/secrets HTTP/1.1\r\nHost: x\r\nX-Slow: "), SocketFlags.None);
        var reader = ReliabilitySupport.ReadUntilClosedAsync(socket, TimeSpan.FromSeconds(15));
        while (!reader.IsCompleted && watch.Elapsed < TimeSpan.FromSeconds(15) && await ReliabilitySupport.TrySendAsync(socket, "a"u8.ToArray()))
        {
            await Task.WhenAny(reader, Task.Delay(250));
        }

        var (received, closed) = await reader;
        output.WriteLine($"header dribble cut off after {watch.Seconds():F2} s (limit 2 s): '{received.Split('\r')[0]}'");
        Assert.True(closed, "the server never closed a connection that dribbled its headers");
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(6));
        Assert.True(ReliabilitySupport.StatusOf(received) is 0 or 408, received);
        await AssertStillServingAsync(app.BaseAddress);
    }

    [Fact]
    public async Task A_client_that_dribbles_its_body_is_cut_off_after_the_grace_period()
    {
        await using var app = fixture.CreateApp(SlowClientLimits);
        using var socket = await ReliabilitySupport.ConnectAsync(app.BaseAddress);
        var watch = Stopwatch.StartNew();
        await socket.SendAsync(
            Encoding.ASCII.GetBytes("POST /api/secrets HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"ciphertext\":\""),
            SocketFlags.None);
        var reader = ReliabilitySupport.ReadUntilClosedAsync(socket, TimeSpan.FromSeconds(20));
        while (!reader.IsCompleted && watch.Elapsed < TimeSpan.FromSeconds(20) && await ReliabilitySupport.TrySendAsync(socket, "AAAA"u8.ToArray()))
        {
            // 40 B/s, far below the 240 B/s minimum.
            await Task.WhenAny(reader, Task.Delay(100));
        }

        var (received, closed) = await reader;
        output.WriteLine($"body dribble cut off after {watch.Seconds():F2} s (grace 2 s): '{received.Split('\r')[0]}'");
        Assert.True(closed, "the server never closed a connection that dribbled its body");
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(8));
        Assert.True(ReliabilitySupport.StatusOf(received) is 0 or 408, received);
        Assert.DoesNotContain(app.Logs.Entries, e => e.Category.StartsWith("Microsoft.AspNetCore.Diagnostics", StringComparison.Ordinal));
        await AssertStillServingAsync(app.BaseAddress);
    }

    private static Dictionary<string, string?> SlowClientLimits => new()
    {
        ["SecretShare:Kestrel:RequestHeadersTimeoutSeconds"] = "2",
        ["SecretShare:Kestrel:MinRequestBodyDataRate"] = "240",
        ["SecretShare:Kestrel:MinRequestBodyDataRateGracePeriodSeconds"] = "2",
    };

    private static async Task AssertStillServingAsync(Uri baseAddress)
    {
        using var fresh = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        using var alive = await fresh.GetAsync("alive");
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        var secret = await fresh.CreateAsync();
        await (await fresh.RevealAsync(secret.Id, secret.AccessToken)).AssertOkAsync();
    }
}
