namespace SecretShare.AppHost.Tests;

/// <summary>What an AppHost run leaves behind: its databases' data folders and any process still using them.</summary>
internal static class Leftovers
{
    /// <summary>The data folders of AppHosts run by process <paramref name="appHostProcessId"/> (see LocalDataFolder).</summary>
    public static string[] DataFolders(int appHostProcessId) =>
        Directory.GetDirectories(Path.GetTempPath(), $"secretshare-apphost-{appHostProcessId}-*");

    /// <summary>Processes whose command line names one of those folders (the database executables).</summary>
    public static string[] Processes(int appHostProcessId)
    {
        var marker = $"secretshare-apphost-{appHostProcessId}-";
        var found = new List<string>();
        foreach (var process in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                var commandLine = File.ReadAllText(Path.Combine(process, "cmdline")).Replace('\0', ' ');
                if (commandLine.Contains(marker, StringComparison.Ordinal))
                {
                    found.Add($"{Path.GetFileName(process)}: {commandLine.Trim()}");
                }
            }
            catch (IOException)
            {
                // Ended while being read, or not a process folder.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return [.. found];
    }

    /// <summary>Waits until nothing of that AppHost is left, and fails naming what still is.</summary>
    public static async Task AssertNoneAsync(int appHostProcessId, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DataFolders(appHostProcessId).Length + Processes(appHostProcessId).Length > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.Empty(Processes(appHostProcessId));
        Assert.Empty(DataFolders(appHostProcessId));
    }
}
