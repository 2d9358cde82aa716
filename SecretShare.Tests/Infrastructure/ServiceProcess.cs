using System.Collections.Concurrent;
using System.Diagnostics;
using SecretShare.Storage.Configuration;

namespace SecretShare.Tests.Infrastructure;

/// <summary>
/// One of SecretShare's real executables (the built <c>SecretShare.Api.dll</c> or <c>SecretShare.Cleanup.dll</c>), run
/// as a child process with exactly the environment a test gives it, from its project folder as content root.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> lines = new();

    private ServiceProcess(Process process)
    {
        this.process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lines.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lines.Enqueue(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Id => process.Id;

    public bool HasExited => process.HasExited;

    public string Output => string.Join('\n', lines);

    /// <summary>Starts <paramref name="assemblyName"/> with a clean backend environment, the test audit key, plus <paramref name="environment"/> (<c>null</c> removes a variable).</summary>
    public static ServiceProcess Start(string assemblyName, IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // The content root: the project's own appsettings.json (the test output holds only one of the two) and wwwroot.
            WorkingDirectory = Path.Combine(ExternalProcess.RepositoryRoot(), assemblyName),
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, assemblyName + ".dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Whatever the developer's shell has set must not decide which backend a test sees.
        foreach (var name in new[] { EnvironmentVariables.DatabaseUrl, EnvironmentVariables.DynamoDbTable, EnvironmentVariables.DynamoDbEndpoint, EnvironmentVariables.AwsEndpointUrlDynamoDb, EnvironmentVariables.OtlpEndpoint,
                     EnvironmentVariables.AwsAccessKeyId, EnvironmentVariables.AwsSecretAccessKey })
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";

        // No debugger pipes or diagnostics socket in the temp folder, which a killed process would leave behind.
        start.Environment["DOTNET_EnableDiagnostics"] = "0";

        // Production refuses to start without an audit key; a test that wants none sets these to null.
        foreach (var (name, value) in TestAuditKeys.Environment().Concat(environment))
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        return new ServiceProcess(Process.Start(start)!);
    }

    /// <summary>Waits for exit and returns the exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancellation.Token);
        process.WaitForExit();
        return process.ExitCode;
    }

    public Task WaitForOutputAsync(string text, TimeSpan timeout) =>
        ExternalProcess.WaitUntilAsync(() => Task.FromResult(lines.Any(line => line.Contains(text, StringComparison.Ordinal)) || process.HasExited), timeout, $"'{text}' in the output");

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }
}
