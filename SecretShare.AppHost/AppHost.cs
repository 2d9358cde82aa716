// The SecretShare AppHost: the API and the cleanup worker against ONE backend, chosen by the `Backend` setting
// (appsettings.json, or `dotnet run --project SecretShare.AppHost -- --Backend postgres`), its database a container
// when a container runtime answers and a local executable otherwise. See docs/aspire.md.

using Microsoft.Extensions.DependencyInjection;

try
{
    var builder = DistributedApplication.CreateBuilder(args);
    var settings = AppHostSettings.Read(builder.Configuration);
    var isRunMode = builder.ExecutionContext.IsRunMode;

    if (isRunMode)
    {
        // Before anything starts: a taken port is one line, not a proxy that cannot listen once everything runs.
        LocalPorts.EnsureFree(settings.ApiHttpPort);
        builder.Services.AddHostedService<ResourceStateReporter>();
    }

    var hosting = DatabaseHosting.Choose(builder, settings);
    var store = builder.AddSecretStore(settings, hosting);
    var auditKey = builder.AddAuditKey();

    var api = builder.AddSecretShareService<Projects.SecretShare_Api>("api", "ASPNETCORE_ENVIRONMENT")
        // Publish mode leaves ports to the platform.
        .WithHttpEndpoint(port: isRunMode ? settings.ApiHttpPort : null)
        .WithExternalHttpEndpoints()
        // Readiness includes the database.
        .WithHttpHealthCheck("/health")
        .WithReplicas(settings.ApiReplicas)
        .WithAuditKey(auditKey)
        .WithSecretStore(store);

    if (settings.ApiReplicas > 1)
    {
        // Not waited for: without Redis every replica still serves, counting on its own, and /health says Degraded.
        api.WithReference(builder.AddRateLimitStore(hosting));
    }

    builder.AddSecretShareService<Projects.SecretShare_Cleanup>("cleanup", "DOTNET_ENVIRONMENT")
        .WithSecretStore(store);

    builder.Build().Run();
    return 0;
}
catch (AppHostSettingsException exception)
{
    Console.Error.WriteLine($"SecretShare.AppHost: {exception.Message}");
    return 1;
}
