using System.ComponentModel;
using System.Diagnostics;

/// <summary>
/// Asks the container runtime Aspire would use whether its engine answers. An installed CLI is not enough: on a
/// machine whose daemon is down (or cannot run containers) every container resource would sit unhealthy and
/// everything that waits for the database would never start.
/// </summary>
internal static class ContainerRuntimeProbe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>The runtime Aspire picks (ASPIRE_CONTAINER_RUNTIME, else docker then podman) and whether it answered.</summary>
    public static (bool Healthy, string Detail) Probe(string? configuredRuntime)
    {
        string[] candidates = string.IsNullOrWhiteSpace(configuredRuntime) ? ["docker", "podman"] : [configuredRuntime.Trim()];
        var details = new List<string>();
        foreach (var runtime in candidates)
        {
            var (healthy, detail) = Ask(runtime);
            if (healthy)
            {
                return (true, detail);
            }

            details.Add(detail);
        }

        return (false, string.Join("; ", details));
    }

    private static (bool Healthy, string Detail) Ask(string runtime)
    {
        var start = new ProcessStartInfo(runtime, ["info", "--format", "{{.ServerVersion}}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                return (false, $"{runtime} did not answer within {Timeout.TotalSeconds:0} s");
            }

            var version = output.Result.Trim();
            return process.ExitCode == 0 && version.Length > 0
                ? (true, $"{runtime} {version}")
                : (false, $"{runtime}: {FirstLine(error.Result) ?? $"exit code {process.ExitCode}"}");
        }
        catch (Win32Exception)
        {
            return (false, $"{runtime} is not installed");
        }
    }

    private static string? FirstLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
}
