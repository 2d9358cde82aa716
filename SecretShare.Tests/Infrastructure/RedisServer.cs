using System.Net.Sockets;
using System.Text;

namespace SecretShare.Tests.Infrastructure;

/// <summary>
/// Debian's <c>redis-server</c> on a free loopback port, in memory only (no RDB, no AOF), started by the AppHost's own
/// script (<c>redis-local.sh</c>) and stopped by its own PID; it can be killed and started again on the same port, as an
/// outage test needs.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string folder;
    private LocalServerScript? script;

    private RedisServer(int port, string folder)
    {
        Port = port;
        this.folder = folder;
    }

    public int Port { get; }

    /// <summary>What <c>ConnectionStrings:redis</c> says for it.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        var server = new RedisServer(ExternalProcess.FreePort(), Directory.CreateTempSubdirectory("secretshare-test-redis-").FullName);
        try
        {
            await server.StartAgainAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    public async Task StartAgainAsync()
    {
        script = LocalServerScript.Start(
            "redis-local.sh", new Dictionary<string, string> { ["REDIS_PORT"] = $"{Port}", ["SECRETSHARE_DATA_DIR"] = folder });
        await script.WaitUntilReadyAsync(
            PingAsync, TimeSpan.FromSeconds(30), "redis-server", "Install it with 'apt-get install -y redis-server' (scripts/test.sh does).");
    }

    /// <summary>Kills the server outright, as a crash would.</summary>
    public async Task KillAsync()
    {
        if (script is not null)
        {
            await script.DisposeAsync();
        }

        script = null;
    }

    /// <summary>
    /// Stops the server's process without closing its sockets (SIGSTOP), as a frozen host or a network partition would:
    /// connections stay open and commands get no answer.
    /// </summary>
    public Task FreezeAsync() => Script.SignalAsync("STOP");

    /// <summary>Lets a frozen server run again (SIGCONT).</summary>
    public Task ThawAsync() => Script.SignalAsync("CONT");

    private LocalServerScript Script => script ?? throw new InvalidOperationException("redis-server is not running.");

    private async Task PingAsync()
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", Port);
        var stream = client.GetStream();
        await stream.WriteAsync("PING\r\n"u8.ToArray());
        var buffer = new byte[16];
        var read = await stream.ReadAsync(buffer);
        if (!Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("redis-server did not answer PING with PONG.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        Directory.Delete(folder, recursive: true);
    }
}
