using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using SecretShare.Storage.Configuration;
using SecretShare.Tests.Infrastructure;

namespace SecretShare.Tests.Reliability;

/// <summary>
/// The real API executable (<c>dotnet SecretShare.Api.dll</c>) gets SIGTERM under load, as from Kubernetes or
/// systemd: requests already being served complete with success, new connections are refused, and it exits 0.
/// </summary>
[Trait("Backend", "Postgres")]
public sealed class GracefulShutdownTests(ITestOutputHelper output)
{
    private const int SlowRequests = 8;
    private const int Workers = 8;

    [Fact]
    public async Task Sigterm_under_load_completes_the_requests_in_flight_and_exits_0()
    {
        var databaseUrl = await (await TestServers.Postgres).CreateDatabaseAsync("secretshare_shutdown");
        var port = ExternalProcess.FreePort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}/");
        await using var process = ServiceProcess.Start("SecretShare.Api", new Dictionary<string, string?>
        {
            [EnvironmentVariables.DatabaseUrl] = databaseUrl,
            ["ASPNETCORE_URLS"] = baseAddress.ToString().TrimEnd('/'),
            ["SecretShare__RateLimiting__Enabled"] = "false",
        });
        using var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        await ExternalProcess.WaitUntilAsync(
            async () => !process.HasExited && (await client.GetAsync("alive")).IsSuccessStatusCode, TimeSpan.FromSeconds(60), "the API process");
        await client.CreateAsync();

        // Requests that are certainly in flight at SIGTERM: headers and half of the body sent, the rest held back.
        var slow = new List<(Socket Socket, byte[] Remainder, string Ciphertext)>();
        for (var i = 0; i < SlowRequests; i++)
        {
            var ciphertext = ApiCalls.NewCiphertext();
            var body = Encoding.UTF8.GetBytes($$"""{"ciphertext":"{{ciphertext}}","accessToken":"{{ApiCalls.NewToken()}}"}""");
            var head = Encoding.ASCII.GetBytes(
                $"POST /api/secrets HTTP/1.1\r\nHost: {baseAddress.Authority}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n");
            var socket = await ReliabilitySupport.ConnectAsync(baseAddress);
            await socket.SendAsync(head.Concat(body.Take(body.Length / 2)).ToArray(), SocketFlags.None);
            slow.Add((socket, body[(body.Length / 2)..], ciphertext));
        }

        // And ordinary load from keep-alive clients.
        var created = new ConcurrentBag<string>();
        var failures = new ConcurrentBag<string>();
        var refused = 0;
        var unanswered = 0;
        var completedAfterSigterm = 0;
        var sigtermSent = false;
        using var stopLoad = new CancellationTokenSource();
        var load = Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
        {
            using var worker = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
            while (!stopLoad.IsCancellationRequested)
            {
                try
                {
                    using var response = await worker.PostAsJsonAsync("api/secrets", new { ciphertext = ApiCalls.NewCiphertext(), accessToken = ApiCalls.NewToken() });
                    var text = await response.Content.ReadAsStringAsync();
                    if (response.StatusCode != HttpStatusCode.Created)
                    {
                        failures.Add($"{(int)response.StatusCode}: {text}");
                        continue;
                    }

                    created.Add(JsonNode.Parse(text)!["id"]!.GetValue<string>());
                    if (Volatile.Read(ref sigtermSent))
                    {
                        Interlocked.Increment(ref completedAfterSigterm);
                    }
                }
                catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConnectionError && ex.InnerException is SocketException
                    { SocketErrorCode: SocketError.ConnectionRefused })
                {
                    // The listener is closed: this request never reached the server.
                    Interlocked.Increment(ref refused);
                    await Task.Delay(20);
                }
                catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ResponseEnded)
                {
                    // Sent on a keep-alive connection that the server closed as idle: not a byte of answer. That the
                    // server never executed it is checked below against the database.
                    Interlocked.Increment(ref unanswered);
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
                {
                    failures.Add(ex.GetType().Name + ": " + ex.Message + " / " + ex.InnerException?.Message);
                }
            }
        })).ToArray();

        await Task.Delay(TimeSpan.FromSeconds(0.5));
        var shutdown = Stopwatch.StartNew();
        await ExternalProcess.RunAsync("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Volatile.Write(ref sigtermSent, true);

        // The server is draining now; the slow clients finish their bodies and must get their 201.
        await Task.Delay(TimeSpan.FromSeconds(0.5));
        Assert.False(process.HasExited, $"the API exited while requests were still in flight:\n{process.Output}");
        var slowIds = new List<string>();
        foreach (var (socket, rest, _) in slow)
        {
            using (socket)
            {
                await socket.SendAsync(rest, SocketFlags.None);
                var (received, closed) = await ReliabilitySupport.ReadUntilClosedAsync(socket, TimeSpan.FromSeconds(20));
                Assert.True(closed, "the connection stayed open after its response during shutdown");
                Assert.True(ReliabilitySupport.StatusOf(received) == 201, $"a request in flight at SIGTERM got: {received}");
                slowIds.Add(JsonNode.Parse(received[received.IndexOf('{', StringComparison.Ordinal)..(received.LastIndexOf('}') + 1)])!["id"]!.GetValue<string>());
            }
        }

        var exitCode = await process.WaitForExitAsync(TimeSpan.FromSeconds(30));
        var shutdownSeconds = shutdown.Seconds();
        await stopLoad.CancelAsync();
        await Task.WhenAll(load);

        output.WriteLine(
            $"exit code {exitCode} after {shutdownSeconds:F2} s; {slowIds.Count} held requests answered 201; load: {created.Count} created " +
            $"({completedAfterSigterm} completed after SIGTERM), {refused} refused after the listener closed, " +
            $"{unanswered} closed unanswered on idle keep-alive connections, {failures.Count} failed");
        Assert.True(failures.IsEmpty, "requests failed: " + string.Join("\n", failures.Take(10)) + "\n" + process.Output);
        Assert.Equal(0, exitCode);
        Assert.True(refused > 0, "the load never saw the listener close");

        // Everything acknowledged was stored, and nothing else: every creation the server executed was answered
        // (the one more row is the warm-up creation).
        var acknowledged = slowIds.Concat(created).ToArray();
        await using var dataSource = NpgsqlDataSource.Create(PostgresUrl.ToConnectionString(databaseUrl));
        await using var count = dataSource.CreateCommand("SELECT count(*) FILTER (WHERE id = ANY($1)), count(*) FROM secrets");
        count.Parameters.Add(new NpgsqlParameter { Value = acknowledged });
        await using var reader = await count.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(acknowledged.Length, reader.GetInt64(0));
        Assert.Equal(acknowledged.Length + 1, reader.GetInt64(1));
    }
}
