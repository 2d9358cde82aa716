using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

/// <summary>
/// Where the databases run: containers, or local executables with their data in a folder of this run. Decided once
/// per run, from <c>DatabaseRuntime</c> or, on <c>auto</c>, by asking the container runtime; the first console line
/// says which. Publish mode decides nothing: a manifest describes containers.
/// </summary>
internal sealed class DatabaseHosting
{
    private DatabaseHosting(LocalDataFolder? localData) => LocalData = localData;

    /// <summary>The executables' data folder; <c>null</c> when the databases are containers.</summary>
    public LocalDataFolder? LocalData { get; }

    public static DatabaseHosting Choose(IDistributedApplicationBuilder builder, AppHostSettings settings)
    {
        if (!builder.ExecutionContext.IsRunMode || !UseExecutables(settings.DatabaseRuntime, builder.Configuration["ASPIRE_CONTAINER_RUNTIME"]))
        {
            return new DatabaseHosting(null);
        }

        var data = LocalDataFolder.Create();
        // A hosted service, so that the folder is deleted once the AppHost has stopped the databases.
        builder.Services.AddSingleton<IHostedService>(data);
        return new DatabaseHosting(data);
    }

    private static bool UseExecutables(DatabaseRuntime runtime, string? containerRuntime)
    {
        if (runtime != DatabaseRuntime.Auto)
        {
            Console.WriteLine($"SecretShare.AppHost: databases run as {(runtime == DatabaseRuntime.Executable ? "local executables" : "containers")} (DatabaseRuntime={runtime.ToString().ToLowerInvariant()}).");
            return runtime == DatabaseRuntime.Executable;
        }

        var (healthy, detail) = ContainerRuntimeProbe.Probe(containerRuntime);
        Console.WriteLine(healthy
            ? $"SecretShare.AppHost: databases run as containers ({detail} answered)."
            : $"SecretShare.AppHost: databases run as local executables: no container runtime answered ({detail}).");
        return !healthy;
    }
}
