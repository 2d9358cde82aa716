using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SecretShare.Hosting;

/// <summary>
/// Runs a host so that misconfiguration ends it with one clear line on stderr and exit code 1 (SPEC section 4),
/// whether it is found while the host is built, while its options are validated or while a hosted service prepares
/// something at start (storage).
/// </summary>
public static class GuardedStartup
{
    public static async Task<int> RunAsync(Func<Task<int>> run)
    {
        try
        {
            return await run();
        }
        catch (Exception ex) when (OneLine(ex) is { } line)
        {
            await Console.Error.WriteLineAsync(line);
            return 1;
        }
    }

    /// <summary>
    /// Keeps the host's own entry for a failed start ("Hosting failed to start", with a stack trace) out of the log
    /// when the failure is a misconfiguration: <see cref="RunAsync"/> reports that as one line, and an operator
    /// should read nothing else. Every other entry of the host, and every other failure, is logged as before.
    /// </summary>
    public static void AddGuardedStartup(this IHostApplicationBuilder builder)
    {
        // The host takes its logger from the container as ILogger<Host>, a type internal to Microsoft.Extensions.Hosting.
        var host = typeof(HostApplicationBuilder).Assembly.GetType("Microsoft.Extensions.Hosting.Internal.Host");
        if (host is not null)
        {
            builder.Services.AddSingleton(typeof(ILogger<>).MakeGenericType(host), typeof(MisconfigurationQuietLogger<>).MakeGenericType(host));
        }
    }

    private static string? OneLine(Exception exception) => exception switch
    {
        StartupConfigurationException configuration => configuration.Message,
        OptionsValidationException validation => $"Invalid configuration: {string.Join("; ", validation.Failures)}",
        _ => null,
    };

    private sealed class MisconfigurationQuietLogger<T>(ILoggerFactory factory) : ILogger<T>
    {
        private readonly ILogger<T> logger = new Logger<T>(factory);

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => logger.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => logger.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (exception is null || OneLine(exception) is null)
            {
                logger.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
