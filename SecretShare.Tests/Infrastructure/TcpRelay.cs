using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SecretShare.Tests.Infrastructure;

/// <summary>
/// A TCP relay in front of a real server, for the faults a network between the API and its database has: it can lose
/// one answer after the server applied the request, as a timeout or a dropped connection does, and it can cut every
/// connection and refuse new ones, as a crashed server does, until it is restored.
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentDictionary<Socket, byte> open = new();
    private Uri upstream;
    private string? armedFor;
    private int dropped;
    private string? countedMarker;
    private int counted;
    private volatile bool cut;

    public TcpRelay(Uri upstream)
    {
        this.upstream = upstream;
        listener.Start();
        _ = AcceptAsync();
    }

    public string Endpoint => $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";

    /// <summary>Answers lost by <see cref="LoseNextAnswerTo"/>.</summary>
    public int Dropped => Volatile.Read(ref dropped);

    /// <summary>From now on, counts the requests whose bytes contain <paramref name="marker"/> (see <see cref="Counted"/>).</summary>
    public void Count(string marker)
    {
        Volatile.Write(ref counted, 0);
        Volatile.Write(ref countedMarker, marker);
    }

    /// <summary>Requests seen since <see cref="Count"/>.</summary>
    public int Counted => Volatile.Read(ref counted);

    /// <summary>The next request whose bytes contain <paramref name="marker"/> reaches the server; its answer is lost.</summary>
    public void LoseNextAnswerTo(string marker) => Volatile.Write(ref armedFor, marker);

    /// <summary>Resets every open connection, mid-request or not, and every new one until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        cut = true;
        foreach (var socket in open.Keys)
        {
            Reset(socket);
        }
    }

    /// <summary>Relays again, to <paramref name="server"/>: a restarted server may listen on another port.</summary>
    public void Restore(Uri server)
    {
        Volatile.Write(ref upstream, server);
        cut = false;
    }

    public ValueTask DisposeAsync()
    {
        stopping.Cancel();
        listener.Stop();
        Cut();
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

            if (cut)
            {
                Reset(client);
                continue;
            }

            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(Socket client)
    {
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        open.TryAdd(client, 0);
        open.TryAdd(server, 0);
        var losing = false;
        try
        {
            // A cut that ran while this connection was being registered did not see it.
            if (cut)
            {
                Reset(client);
                return;
            }

            var target = Volatile.Read(ref upstream);
            await server.ConnectAsync(target.Host, target.Port);
            var toServer = Task.Run(async () =>
            {
                var buffer = new byte[65536];
                int read;
                while ((read = await client.ReceiveAsync(buffer, SocketFlags.None)) > 0)
                {
                    if (Volatile.Read(ref countedMarker) is { } counting &&
                        Encoding.ASCII.GetString(buffer, 0, read).Contains(counting, StringComparison.Ordinal))
                    {
                        Interlocked.Increment(ref counted);
                    }

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
        finally
        {
            open.TryRemove(client, out _);
            open.TryRemove(server, out _);
            client.Dispose();
        }
    }

    /// <summary>Closes with a reset rather than a clean end of stream, as a dead peer's kernel answers.</summary>
    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }
    }
}
