using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;

namespace SecretShare.Tests.Infrastructure;

/// <summary>Small helpers to run the real programs the tests depend on.</summary>
internal static class ExternalProcess
{
    public static bool IsRoot => Environment.UserName == "root";

    private static readonly Lock PortLock = new();
    private static readonly HashSet<int> PortsHandedOut = [];
    private static readonly int EphemeralPortRangeStart = ReadEphemeralPortRangeStart();

    /// <summary>
    /// A free loopback port for a server that a test starts. It lies below the kernel's ephemeral range, which bind(0)
    /// and outgoing connections draw from: under load, thousands of client connections would otherwise take ports from
    /// the same pool, and one could grab this port between the check here and the server's own bind (or while a
    /// stopped database waits to start again on it). No port is handed out twice in a run.
    /// </summary>
    public static int FreePort()
    {
        lock (PortLock)
        {
            for (var attempt = 0; attempt < 1000; attempt++)
            {
                var port = Random.Shared.Next(Math.Max(1024, EphemeralPortRangeStart - 12_000), EphemeralPortRangeStart);
                if (!PortsHandedOut.Add(port))
                {
                    continue;
                }

                try
                {
                    using var listener = new TcpListener(IPAddress.Loopback, port);
                    listener.Start();
                    return port;
                }
                catch (SocketException)
                {
                    // Taken by a program outside the tests; try another.
                }
            }
        }

        throw new InvalidOperationException($"No free loopback port below {EphemeralPortRangeStart}.");
    }

    private static int ReadEphemeralPortRangeStart()
    {
        const string RangeFile = "/proc/sys/net/ipv4/ip_local_port_range";
        return File.Exists(RangeFile) && int.TryParse(File.ReadAllText(RangeFile).Split('\t', ' ')[0], out var start) && start > 2048
            ? start
            : 32_768;
    }

    /// <summary>
    /// Runs a command to completion, optionally in <paramref name="workingDirectory"/> with <paramref name="environment"/>
    /// changed (a null value removes a variable); throws with its output when it fails.
    /// </summary>
    public static async Task<string> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        TimeSpan? timeout = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory ?? "" };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Cannot start {fileName}");
        var output = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancellation = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cancellation.Token);
        output.Append(await stdout).Append(await stderr);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', start.ArgumentList)} exited with {process.ExitCode}: {output}");
        }

        return output.ToString();
    }

    /// <summary>
    /// The repository root (where package.json and SecretShare.Api sit): above the test binaries, or, when they were
    /// built elsewhere (<c>--artifacts-path</c>), above this source file.
    /// </summary>
    public static string RepositoryRoot([CallerFilePath] string sourceFile = "")
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(sourceFile) ?? "" })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "package.json")) && Directory.Exists(Path.Combine(directory.FullName, "SecretShare.Api")))
                {
                    return directory.FullName;
                }
            }
        }

        throw new InvalidOperationException("Cannot find the repository root above " + AppContext.BaseDirectory);
    }

    public static async Task WaitUntilAsync(Func<Task<bool>> ready, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await ready())
                {
                    return;
                }
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                // Not up yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{what} did not become ready within {timeout.TotalSeconds} s");
    }
}
