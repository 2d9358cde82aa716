using Microsoft.Extensions.Hosting;

/// <summary>
/// The temporary folder that holds the executable databases' data for one AppHost run. It outlives a database
/// restart (so a restart from the dashboard keeps the data, as a container would) and is deleted once the AppHost
/// has stopped its resources. Folders left by an AppHost that was killed outright are removed at the next start.
/// </summary>
internal sealed class LocalDataFolder : IHostedLifecycleService
{
    private const string Prefix = "secretshare-apphost-";

    private LocalDataFolder(string path) => Path = path;

    public string Path { get; }

    public static LocalDataFolder Create()
    {
        RemoveFoldersOfEndedRuns();
        var folder = Directory.CreateTempSubdirectory($"{Prefix}{Environment.ProcessId}-");
        // Traversable by others: as root, PostgreSQL runs as the postgres user inside its own 0700 subfolder.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }

        return new LocalDataFolder(folder.FullName);
    }

    /// <summary>The data folder of one resource, passed to it as SECRETSHARE_DATA_DIR.</summary>
    public string For(string resourceName) => System.IO.Path.Combine(Path, resourceName);

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        Delete(Path);
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static void RemoveFoldersOfEndedRuns()
    {
        foreach (var folder in Directory.EnumerateDirectories(System.IO.Path.GetTempPath(), $"{Prefix}*"))
        {
            var pid = System.IO.Path.GetFileName(folder)[Prefix.Length..].Split('-')[0];
            if (int.TryParse(pid, out var id) && !Directory.Exists($"/proc/{id}"))
            {
                Delete(folder);
            }
        }
    }

    private static void Delete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
