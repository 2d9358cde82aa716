using System.Net;
using System.Net.Sockets;
using System.Text;
using SecretShare.Storage.Configuration;
using SecretShare.Tests.Infrastructure;

namespace SecretShare.Tests.Reliability;

/// <summary>
/// A TCP proxy in front of a real database server that can lose one answer: it forwards a request, lets the server
/// apply it, swallows the answer and closes the connection, as a timeout or a dropped connection does in production.
/// </summary>
public sealed class LossyProxy : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly Uri upstream;
    private readonly CancellationTokenSource stopping = new();
    private string? armedFor;
    private int dropped;

    public LossyProxy(Uri upstream)
    {
        this.upstream = upstream;
        listener.Start();
        _ = AcceptAsync();
    }

    public string Endpoint => $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";

    public int Dropped => Volatile.Read(ref dropped);

    /// <summary>The next request whose bytes contain <paramref name="marker"/> reaches the server; its answer is lost.</summary>
    public void LoseNextAnswerTo(string marker) => Volatile.Write(ref armedFor, marker);

    public ValueTask DisposeAsync()
    {
        stopping.Cancel();
        listener.Stop();
        stopping.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync(stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(Socket client)
    {
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var _ = client;
        var losing = false;
        try
        {
            await server.ConnectAsync(upstream.Host, upstream.Port);
            var toServer = Task.Run(async () =>
            {
                var buffer = new byte[65536];
                int read;
                while ((read = await client.ReceiveAsync(buffer, SocketFlags.None)) > 0)
                {
                    if (Volatile.Read(ref armedFor) is { } marker &&
                        Encoding.ASCII.GetString(buffer, 0, read).Contains(marker, StringComparison.Ordinal) &&
                        Interlocked.CompareExchange(ref armedFor, null, marker) == marker)
                    {
                        losing = true;
                    }

                    await server.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
                }
            });
            var toClient = Task.Run(async () =>
            {
                var buffer = new byte[65536];
                int read;
                while ((read = await server.ReceiveAsync(buffer, SocketFlags.None)) > 0)
                {
                    if (losing)
                    {
                        // The server has applied the request and answered: the client never hears of it.
                        Interlocked.Increment(ref dropped);
                        client.Close();
                        return;
                    }

                    await client.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
                }
            });
            await Task.WhenAny(toServer, toClient);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or IOException)
        {
            // One side went away: so does the relay.
        }
    }
}

/// <summary>
/// The answer to a storage write is lost after the write was applied, and the storage client retries it. The API
/// must still answer as if the first attempt had been heard: a lost answer is not a 500.
/// </summary>
[Trait("Backend", "DynamoDb")]
public sealed class DynamoDbLostAnswerTests(DynamoDbFixture fixture) : IClassFixture<DynamoDbFixture>
{
    [Fact]
    public async Task A_create_whose_answer_was_lost_and_retried_is_still_a_201_and_the_secret_works()
    {
        await using var proxy = new LossyProxy(new Uri(fixture.Endpoint));
        await using var app = fixture.CreateApp(new Dictionary<string, string?> { [EnvironmentVariables.DynamoDbEndpoint] = proxy.Endpoint });
        using var client = app.CreateHttpClient();
        await client.CreateAsync();

        proxy.LoseNextAnswerTo("DynamoDB_20120810.TransactWriteItems");
        var secret = await client.CreateAsync();

        Assert.Equal(1, proxy.Dropped);
        Assert.DoesNotContain(app.Logs.Entries, e => e.Category.StartsWith("Microsoft.AspNetCore.Diagnostics", StringComparison.Ordinal));
        var revealed = await (await client.RevealAsync(secret.Id, secret.AccessToken)).AssertOkAsync();
        Assert.Equal(secret.Ciphertext, revealed["ciphertext"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_reveal_whose_answer_was_lost_and_retried_still_returns_the_last_view_and_burns()
    {
        await using var proxy = new LossyProxy(new Uri(fixture.Endpoint));
        await using var app = fixture.CreateApp(new Dictionary<string, string?> { [EnvironmentVariables.DynamoDbEndpoint] = proxy.Endpoint });
        using var client = app.CreateHttpClient();
        var secret = await client.CreateAsync(new() { ["maxViews"] = 1 });

        proxy.LoseNextAnswerTo("DynamoDB_20120810.TransactWriteItems");
        var revealed = await (await client.RevealAsync(secret.Id, secret.AccessToken)).AssertOkAsync();

        Assert.Equal(1, proxy.Dropped);
        Assert.Equal(secret.Ciphertext, revealed["ciphertext"]!.GetValue<string>());
        Assert.True(revealed["burned"]!.GetValue<bool>());
        Assert.False(await fixture.IsStoredAsync(secret.Id));
    }
}
