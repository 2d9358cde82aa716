using SecretShare.Cleanup;
using SecretShare.Hosting;
using SecretShare.Storage;

// --once: one pass and exit, for cron or a Kubernetes CronJob.
var once = args.Contains("--once");

return await GuardedStartup.RunAsync(async () =>
{
    var builder = Host.CreateApplicationBuilder(args.Where(arg => arg != "--once").ToArray());
    builder.AddGuardedStartup();
    builder.AddServiceDefaults();
    builder.AddExpiredSecretsSweeper();
    builder.AddCleanupWorker(once);

    using var host = builder.Build();
    await host.RunAsync();
    // 1 when the one pass of --once failed (set by the worker), else 0.
    return Environment.ExitCode;
});
