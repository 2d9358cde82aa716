using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SecretShare.Api.Secrets;

namespace SecretShare.Tests.Infrastructure;

/// <summary>
/// The real API, in process, on Kestrel on a free loopback port: tests talk real HTTP to it, and a browser can too.
/// Configuration comes in as settings, exactly as environment variables would reach it. (Any public type of the API
/// assembly names its entry point; both services' top-level <c>Program</c> classes are public in .NET 10.)
/// </summary>
public sealed class SecretShareApp : WebApplicationFactory<SecretService>
{
    private readonly IReadOnlyDictionary<string, string?> settings;

    public SecretShareApp(IReadOnlyDictionary<string, string?> settings)
    {
        this.settings = settings;
        UseKestrel(0);
    }

    /// <summary>Every log entry the app writes (within the configured levels): to explain failures and to scan for secrets.</summary>
    public CapturingLoggerProvider Logs { get; } = new();

    /// <summary>Where the server listens, such as <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress
    {
        get
        {
            StartServer();
            var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new Uri(address.Replace("localhost", "127.0.0.1", StringComparison.Ordinal) + "/");
        }
    }

    /// <summary>A client of its own with a real socket connection, not the factory's in-memory handler.</summary>
    public HttpClient CreateHttpClient() => new(new SocketsHttpHandler { MaxConnectionsPerServer = 256 })
    {
        BaseAddress = BaseAddress,
        Timeout = TimeSpan.FromSeconds(60),
    };

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
