using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SecretShare.Api.Secrets;
using SecretShare.Tests.Infrastructure;

namespace SecretShare.Tests.Reliability;

/// <summary>
/// The real API on Kestrel, configured like <see cref="SecretShareApp"/>, that also keeps every log entry it writes
/// (message, structured values, exception), so tests can explain a failure or scan the logs for secrets.
/// </summary>
public sealed class ReliabilityApp : WebApplicationFactory<SecretService>
{
    private readonly IReadOnlyDictionary<string, string?> settings;

    public ReliabilityApp(IReadOnlyDictionary<string, string?> settings)
    {
        this.settings = settings;
        UseKestrel(0);
    }

    public CapturingLoggerProvider Logs { get; } = new();

    public Uri BaseAddress
    {
        get
        {
            StartServer();
            var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new Uri(address.Replace("localhost", "127.0.0.1", StringComparison.Ordinal) + "/");
        }
    }

    public HttpClient CreateHttpClient() => new(new SocketsHttpHandler { MaxConnectionsPerServer = 256 })
    {
        BaseAddress = BaseAddress,
        Timeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>Settings for an API on <paramref name="backend"/>'s database, with <paramref name="overrides"/> on top.</summary>
    public static ReliabilityApp On(BackendFixture backend, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>(BackendFixture.TestSettings);
        foreach (var (key, value) in backend.BackendSettings.Concat(overrides ?? new Dictionary<string, string?>()))
        {
            settings[key] = value;
        }

        return new ReliabilityApp(settings);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseUrls("http://127.0.0.1:0");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
    }
}

/// <summary>Keeps every entry that passes the configured filters, rendered with its structured values and exception.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, string Category, string Text)> entries = new();

    public IReadOnlyList<(LogLevel Level, string Category, string Text)> Entries => [.. entries];

    public string Dump(LogLevel minimum = LogLevel.Warning) =>
        string.Join('\n', entries.Where(e => e.Level >= minimum).Select(e => $"{e.Level} {e.Category}: {e.Text}"));

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<(LogLevel, string, string)> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = new StringBuilder(formatter(state, exception));
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (var (key, value) in values)
                {
                    text.Append(" | ").Append(key).Append('=').Append(value);
                }
            }

            if (exception is not null)
            {
                text.Append(" | ").Append(exception);
            }

            entries.Enqueue((logLevel, category, text.ToString()));
        }
    }
}
