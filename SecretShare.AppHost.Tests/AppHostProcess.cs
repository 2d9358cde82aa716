using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;

namespace SecretShare.AppHost.Tests;

/// <summary>
/// The AppHost as a user runs it (`dotnet run --project SecretShare.AppHost`): its own process, from its project
/// folder, with the settings of its `http` launch profile but free ports for the dashboard, so that a developer's
/// running AppHost cannot collide with the test.
/// </summary>
internal sealed class AppHostProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly StringBuilder error = new();

    private AppHostProcess(Process process) => this.process = process;

    public int Id => process.Id;

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public string Error
    {
        get
        {
            lock (error)
            {
                return error.ToString();
            }
        }
    }

    public static AppHostProcess Start(IReadOnlyDictionary<string, string>? environment = null, params string[] arguments)
    {
        // A process inherits ignored signals: started from a background job (nohup, cron, some CI agents) this test
        // process ignores SIGINT, and so would the AppHost, so that the test's Ctrl+C would do nothing. coreutils'
        // env restores the default disposition, as a terminal's shell gives the programs it starts, then execs the
        // AppHost in the same process.
        var start = new ProcessStartInfo("env", ["--default-signal=INT", Path.Combine(AppContext.BaseDirectory, "SecretShare.AppHost"), .. arguments])
        {
            WorkingDirectory = Path.Combine(RepositoryRoot(), "SecretShare.AppHost"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_URLS"] = $"http://localhost:{FreePort()}";
        start.Environment["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://localhost:{FreePort()}";
        start.Environment["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://localhost:{FreePort()}";
        start.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var appHost = new AppHostProcess(new Process { StartInfo = start });
        appHost.process.OutputDataReceived += (_, line) => appHost.Append(appHost.output, line.Data);
        appHost.process.ErrorDataReceived += (_, line) => appHost.Append(appHost.error, line.Data);
        appHost.process.Start();
        appHost.process.BeginOutputReadLine();
        appHost.process.BeginErrorReadLine();
        return appHost;
    }

    /// <summary>Waits for a line of standard output that contains <paramref name="text"/>, and returns that line.</summary>
    public async Task<string> WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var line = Output.Split('\n').FirstOrDefault(line => line.Contains(text, StringComparison.Ordinal));
            if (line is not null)
            {
                return line.Trim();
            }

            if (process.HasExited)
            {
                throw new InvalidOperationException($"The AppHost exited ({process.ExitCode}) before printing '{text}':\n{Output}\n{Error}");
            }


            await Task.Delay(200);
        }

        throw new TimeoutException($"The AppHost did not print '{text}' within {timeout.TotalSeconds:0} s:\n{Output}\n{Error}");
    }

    /// <summary>What Ctrl+C in a terminal sends; refused when the AppHost ignores SIGINT, where the test would prove nothing.</summary>
    public void Interrupt()
    {
        if (IgnoresInterrupt())
        {
            throw new InvalidOperationException($"The AppHost (PID {process.Id}) ignores SIGINT, unlike a program started from a terminal.");
        }

        Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
    }

    /// <summary>Whether SIGINT (signal 2, bit 1 of the mask) is in the <c>SigIgn</c> line of /proc/PID/status.</summary>
    public bool IgnoresInterrupt()
    {
        var ignored = File.ReadLines($"/proc/{process.Id}/status").Single(line => line.StartsWith("SigIgn:", StringComparison.Ordinal));
        return (Convert.ToUInt64(ignored["SigIgn:".Length..].Trim(), 16) & 0x2) != 0;
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancellation.Token);
        return process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Append(StringBuilder buffer, string? line)
    {
        if (line is not null)
        {
            lock (buffer)
            {
                buffer.AppendLine(line);
            }
        }
    }

    public static string RepositoryRoot([CallerFilePath] string sourceFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(sourceFile)!, ".."));
}
