using System.Diagnostics;

namespace SecretShare.Tests.Infrastructure;

/// <summary>
/// A local server started by the script the AppHost runs for it (<c>SecretShare.AppHost/LocalDatabases</c>), so that the
/// tests, the AppHost and bench/run.sh start PostgreSQL and DynamoDB Local one way. The script takes its port and data
/// folder from the environment; its last lines of output go into the message of a server that does not come up.
/// </summary>
internal sealed class LocalServerScript : IAsyncDisposable
{
    private const int KeptLines = 100;

    private readonly Process process;
    private readonly Queue<string> lastLines = new();

    private LocalServerScript(Process process) => this.process = process;

    public bool HasExited => process.HasExited;

    /// <summary>Starts <c>bash SCRIPT ARGUMENTS</c> with <paramref name="environment"/> added to this process's own.</summary>
    public static LocalServerScript Start(string script, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("bash")
        {
            ArgumentList = { Path.Combine(ExternalProcess.RepositoryRoot(), "SecretShare.AppHost", "LocalDatabases", script) },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var server = new LocalServerScript(Process.Start(start)!);
        server.process.OutputDataReceived += (_, line) => server.Keep(line.Data);
        server.process.ErrorDataReceived += (_, line) => server.Keep(line.Data);
        server.process.BeginOutputReadLine();
        server.process.BeginErrorReadLine();
        return server;
    }

    /// <summary>
    /// Waits up to <paramref name="timeout"/> until <paramref name="ready"/> answers; a script that exits first fails at
    /// once, with its output and <paramref name="hint"/>.
    /// </summary>
    public async Task WaitUntilReadyAsync(Func<Task> ready, TimeSpan timeout, string what, string hint)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                await ready();
                return;
            }
            catch (Exception) when (!process.HasExited && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
            catch (Exception) when (process.HasExited)
            {
                await process.WaitForExitAsync();
                throw new InvalidOperationException($"{what} exited with {process.ExitCode} before it answered. {hint}\n{Output}");
            }
            catch (Exception problem)
            {
                throw new TimeoutException($"{what} did not answer within {timeout.TotalSeconds} s ({problem.Message}).\n{Output}");
            }
        }
    }

    /// <summary>Waits until the script has ended, after its server was told to stop.</summary>
    public Task WaitForExitAsync() => process.WaitForExitAsync();

    /// <summary>
    /// Sends a signal (<c>STOP</c>, <c>CONT</c>) to the script's process, which is the server itself when the script ends
    /// with <c>exec</c>.
    /// </summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {process.Id} exited with {kill.ExitCode}.");
        }
    }

    /// <summary>SIGKILL to the script and everything it started, as a crash would.</summary>
    public async Task KillAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        process.Dispose();
    }

    private string Output
    {
        get
        {
            lock (lastLines)
            {
                return string.Join('\n', lastLines);
            }
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (lastLines)
        {
            lastLines.Enqueue(line);
            if (lastLines.Count > KeptLines)
            {
                lastLines.Dequeue();
            }
        }
    }
}
