using Microsoft.Playwright;
using SecretShare.Tests.Infrastructure;
using Xunit.v3;

namespace SecretShare.Tests.E2E;

/// <summary>
/// The real API on the backend named by <c>E2E_DATABASE</c> (<c>dynamodb</c>, the default, or <c>postgres</c>) and one
/// headless Debian Chromium, shared by the end-to-end test class; each test opens its own browser context.
/// Playwright's own browser download is never used: the NuGet package brings the driver, apt brings Chromium.
/// </summary>
public sealed class E2EFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    private BackendFixture? backend;
    private IPlaywright? playwright;
    private IBrowser? browser;

    /// <summary>The raw <c>E2E_DATABASE</c> value, lower-cased; <c>dynamodb</c> when unset.</summary>
    public static string RequestedDatabase =>
        Environment.GetEnvironmentVariable("E2E_DATABASE") is { Length: > 0 } value ? value.Trim().ToLowerInvariant() : "dynamodb";

    /// <summary>The backend trait value for the selected database (<c>Postgres</c> or <c>DynamoDb</c>).</summary>
    public static string BackendName => RequestedDatabase switch
    {
        "dynamodb" => "DynamoDb",
        "postgres" or "postgresql" => "Postgres",
        var other => other,
    };

    public BackendFixture Backend => backend ?? throw new InvalidOperationException("Fixture not initialised");

    public SecretShareApp App => Backend.App;

    /// <summary>A client of the API over a real socket.</summary>
    public HttpClient Client => Backend.Client;

    /// <summary>Where the API and its pages are served, such as <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary><c>http://127.0.0.1:PORT</c>: every request of the pages must start with this plus '/'.</summary>
    public string Origin => BaseAddress.GetLeftPart(UriPartial.Authority);

    public IBrowser Browser => browser ?? throw new InvalidOperationException("Fixture not initialised");

    public async ValueTask InitializeAsync()
    {
        backend = RequestedDatabase switch
        {
            "dynamodb" => new DynamoDbFixture(),
            "postgres" or "postgresql" => new PostgresFixture(),
            var other => throw new InvalidOperationException($"E2E_DATABASE must be 'dynamodb' (default) or 'postgres', not '{other}'."),
        };

        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException("Chromium not found: apt-get install -y chromium");
        }

        await backend.InitializeAsync();
        BaseAddress = backend.App.BaseAddress;

        // PBKDF2 with 600000 iterations runs in the page; a slow shared machine needs patience, not retries.
        Assertions.SetDefaultExpectTimeout(30_000);
        playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
            Timeout = 60_000,
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.CloseAsync();
        }

        playwright?.Dispose();
        if (backend is not null)
        {
            await backend.DisposeAsync();
        }
    }
}

/// <summary>
/// Adds the trait <c>Backend=Postgres</c> or <c>Backend=DynamoDb</c> according to <c>E2E_DATABASE</c>, so that
/// <c>--filter "Backend=Postgres"</c> selects the end-to-end tests exactly when they run on PostgreSQL.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false)]
public sealed class E2EBackendTraitAttribute : Attribute, ITraitAttribute
{
    public IReadOnlyCollection<KeyValuePair<string, string>> GetTraits() => [new("Backend", E2EFixture.BackendName)];
}
