using SecretShare.Storage.Configuration;
using SecretShare.Tests.Infrastructure;

namespace SecretShare.Tests.Startup;

/// <summary>
/// The services started with exactly the variables the AppHost gives them (<see cref="LocalDevelopment"/>, which the
/// AppHost links) and in the Development environment the AppHost passes on, where the host validates every service
/// registration at build time: a registration only one backend satisfies fails here, not first under Aspire.
/// </summary>
public sealed class AppHostEnvironmentTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    [Trait("Backend", "DynamoDb")]
    public async Task With_the_AppHost_DynamoDB_environment_the_API_serves_and_the_worker_exits_0()
    {
        var environment = LocalDevelopment.DynamoDbEnvironment((await TestServers.DynamoDb).Endpoint);

        await AssertApiServesAsync(environment);
        await using var cleanup = ServiceProcess.Start("SecretShare.Cleanup", Settings(environment));
        Assert.Equal(0, await cleanup.WaitForExitAsync(Timeout));
        Assert.Contains($"removes expired secrets from {LocalDevelopment.DynamoDbTable}", cleanup.Output);
    }

    [Fact]
    [Trait("Backend", "Postgres")]
    public async Task With_the_AppHost_PostgreSQL_environment_the_API_serves_and_the_worker_keeps_running()
    {
        // Aspire's UriExpression: postgresql://user:password@host:port/database (the test cluster trusts any password).
        var url = new UriBuilder(await (await TestServers.Postgres).CreateDatabaseAsync(LocalDevelopment.PostgresDatabase))
        {
            Scheme = "postgresql",
            Password = "generated-by-aspire",
        }.Uri.ToString();
        var environment = LocalDevelopment.PostgresEnvironment(url);

        await AssertApiServesAsync(environment);
        await using var cleanup = ServiceProcess.Start("SecretShare.Cleanup", Settings(environment));
        await cleanup.WaitForOutputAsync("Deleted 0 expired secrets", Timeout);
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        Assert.DoesNotContain("exited", cleanup.Output, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Cleanup runs every 300 s", cleanup.Output);
    }

    private static async Task AssertApiServesAsync(Dictionary<string, string> environment)
    {
        var port = ExternalProcess.FreePort();
        var settings = Settings(environment);
        settings["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        await using var api = ServiceProcess.Start("SecretShare.Api", settings);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        await ExternalProcess.WaitUntilAsync(async () => (await client.GetAsync("health")).IsSuccessStatusCode, Timeout, "the API");

        var secret = await client.CreateAsync();
        var revealed = await (await client.RevealAsync(secret.Id, secret.AccessToken)).AssertOkAsync();
        Assert.True(revealed["burned"]!.GetValue<bool>());
    }

    private static Dictionary<string, string?> Settings(Dictionary<string, string> environment)
    {
        var settings = environment.ToDictionary(pair => pair.Key, string? (pair) => pair.Value);
        settings["ASPNETCORE_ENVIRONMENT"] = "Development";
        settings["DOTNET_ENVIRONMENT"] = "Development";
        return settings;
    }
}
