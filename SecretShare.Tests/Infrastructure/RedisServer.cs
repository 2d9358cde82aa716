using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace SecretShare.Tests.Infrastructure;

/// <summary>
/// Debian's <c>redis-server</c> on a free loopback port, in memory only (no RDB, no AOF), started and stopped by its
/// own PID; it can be killed and started again on the same port, as an outage test needs.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private Process? process;

    private RedisServer(int port) => Port = port;

    public int Port { get; }

    /// <summary>What <c>ConnectionStrings:redis</c> says for it.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        var server = new RedisServer(ExternalProcess.FreePort());
        await server.StartAgainAsync();
        return server;
    }

    public async Task StartAgainAsync()
    {
        var start = new ProcessStartInfo("redis-server") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no" })
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException("redis-server not found. Install it with 'apt-get install -y redis-server' (scripts/test.sh does).");
        }

        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await ExternalProcess.WaitUntilAsync(PingAsync, TimeSpan.FromSeconds(30), "redis-server");
    }

    /// <summary>Kills the server outright, as a crash would.</summary>
    public async Task KillAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        process?.Dispose();
        process = null;
    }

    private async Task<bool> PingAsync()
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", Port);
        var stream = client.GetStream();
        await stream.WriteAsync("PING\r\n"u8.ToArray());
        var buffer = new byte[16];
        var read = await stream.ReadAsync(buffer);
        return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync() => await KillAsync();
}
