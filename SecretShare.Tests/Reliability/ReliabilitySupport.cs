using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SecretShare.Tests.Reliability;

/// <summary>Helpers shared by the reliability tests: other client addresses, raw sockets, header checks.</summary>
internal static class ReliabilitySupport
{
    /// <summary>
    /// A client whose connections leave from <paramref name="localAddress"/> (any of 127/8 routes to loopback on
    /// Linux), so that the server sees a different <c>RemoteIpAddress</c> than the default 127.0.0.1.
    /// </summary>
    public static HttpClient ClientFrom(IPAddress localAddress, Uri baseAddress) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = 64,
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(localAddress, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>SPEC section 2: on every response, whatever its status.</summary>
    public static void AssertSecurityHeaders(HttpResponseMessage response, string what)
    {
        Assert.True(response.Headers.CacheControl?.NoStore == true, $"{what}: Cache-Control is '{response.Headers.CacheControl}'");
        Assert.True(Header(response, "Referrer-Policy") == "no-referrer", $"{what}: Referrer-Policy missing");
        Assert.True(Header(response, "X-Content-Type-Options") == "nosniff", $"{what}: X-Content-Type-Options missing");
        var csp = Header(response, "Content-Security-Policy");
        Assert.True(
            csp.Contains("default-src 'self'", StringComparison.Ordinal) && csp.Contains("frame-ancestors 'none'", StringComparison.Ordinal) &&
            csp.Contains("base-uri 'none'", StringComparison.Ordinal),
            $"{what}: Content-Security-Policy is '{csp}'");
    }

    public static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) :
        response.Content.Headers.TryGetValues(name, out var contentValues) ? string.Join(",", contentValues) : "";

    /// <summary>Opens a plain TCP connection to the server of <paramref name="baseAddress"/>.</summary>
    public static async Task<Socket> ConnectAsync(Uri baseAddress)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Parse(baseAddress.Host), baseAddress.Port);
        return socket;
    }

    /// <summary>Sends bytes; false when the server has already closed or reset the connection.</summary>
    public static async Task<bool> TrySendAsync(Socket socket, byte[] bytes)
    {
        try
        {
            await socket.SendAsync(bytes, SocketFlags.None);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>Reads until the server closes the connection (or resets it, or <paramref name="timeout"/> passes).</summary>
    public static async Task<(string Received, bool Closed)> ReadUntilClosedAsync(Socket socket, TimeSpan timeout)
    {
        var received = new MemoryStream();
        var buffer = new byte[8192];
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellation.Token);
                if (read == 0)
                {
                    return (Encoding.ASCII.GetString(received.ToArray()), true);
                }

                received.Write(buffer, 0, read);
            }
        }
        catch (SocketException)
        {
            return (Encoding.ASCII.GetString(received.ToArray()), true);
        }
        catch (OperationCanceledException)
        {
            return (Encoding.ASCII.GetString(received.ToArray()), false);
        }
    }

    /// <summary>The status code of the first response in a raw HTTP/1.1 answer, or 0 when there is none.</summary>
    public static int StatusOf(string rawResponse) =>
        rawResponse.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) && rawResponse.Length >= 12 && int.TryParse(rawResponse.AsSpan(9, 3), out var status)
            ? status
            : 0;

    public static double Seconds(this Stopwatch stopwatch) => stopwatch.Elapsed.TotalSeconds;
}
