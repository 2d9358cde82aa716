using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SecretShare.Hosting;
using SecretShare.Tests.Infrastructure;

namespace SecretShare.Tests.Unit;

/// <summary>
/// A host that fails to start, run as both executables run theirs: a misconfiguration found while starting (an
/// invalid option, storage that cannot be prepared) is exit code 1 and leaves nothing in the log, where the host would
/// otherwise write its stack trace; any other failure is logged and thrown as usual.
/// </summary>
[Trait("Tier", "Unit")]
public sealed class GuardedStartupTests
{
    private readonly CapturingLoggerProvider logs = new();

    [Fact]
    public async Task A_misconfiguration_found_while_starting_is_exit_code_1_and_no_log_entry()
    {
        var exitCode = await GuardedStartup.RunAsync(() => RunHostAsync(new StartupConfigurationException("Cannot prepare the database")));

        Assert.Equal(1, exitCode);
        Assert.Empty(logs.Dump(LogLevel.Error));
    }

    [Fact]
    public async Task An_invalid_option_validated_at_start_is_exit_code_1_and_no_log_entry()
    {
        var exitCode = await GuardedStartup.RunAsync(() => RunHostAsync(failure: null, builder =>
            builder.Services.AddOptions<RangedOptions>().Configure(options => options.Value = 0).ValidateDataAnnotations().ValidateOnStart()));

        Assert.Equal(1, exitCode);
        Assert.Empty(logs.Dump(LogLevel.Error));
    }

    [Fact]
    public async Task Any_other_failure_while_starting_is_logged_and_thrown()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            GuardedStartup.RunAsync(() => RunHostAsync(new InvalidOperationException("a defect"))));

        Assert.Contains("a defect", logs.Dump(LogLevel.Error));
    }

    private async Task<int> RunHostAsync(Exception? failure, Action<HostApplicationBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddProvider(logs);
        builder.AddGuardedStartup();
        builder.Services.AddHostedService(_ => new FailsWhileStarting(failure));
        configure?.Invoke(builder);

        using var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        await host.StopAsync(TestContext.Current.CancellationToken);
        return 0;
    }

    private sealed class RangedOptions
    {
        [Range(1, 10)]
        public int Value { get; set; }
    }

    private sealed class FailsWhileStarting(Exception? failure) : IHostedLifecycleService
    {
        public Task StartingAsync(CancellationToken cancellationToken) => failure is null ? Task.CompletedTask : Task.FromException(failure);

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
