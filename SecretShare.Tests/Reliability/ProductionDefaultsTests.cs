using System.Net;
using SecretShare.Storage.Configuration;
using SecretShare.Tests.Infrastructure;

namespace SecretShare.Tests.Reliability;

/// <summary>
/// The real executable with its shipped <c>appsettings.json</c>, as in production. Logs: quiet per request, and no full
/// secret id whatever an operator's logging configuration says (a provider-specific rule such as
/// <c>Logging:Console:LogLevel:Default</c> wins over every rule that names no provider).
/// </summary>
public abstract class ProductionDefaultsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>The variables that select this backend, on the shared test server.</summary>
    protected abstract Task<Dictionary<string, string?>> BackendAsync();

    [Fact]
    public async Task With_the_shipped_configuration_requests_write_no_log_line_at_Information()
    {
        var (api, client) = await StartAsync([]);
        await using var _ = api;
        using var __ = client;
        var before = api.Output.Split('\n').Length;

        var ids = await RunLifecyclesAsync(client, 5);

        var lines = api.Output.Split('\n')[before..];
        Assert.True(lines.Length == 0 || lines.All(line => !line.Contains("info:", StringComparison.Ordinal) && !line.Contains("dbug:", StringComparison.Ordinal)),
            $"{lines.Length} lines written for {ids.Count} lifecycles, first: {string.Join('\n', lines.Take(5))}");
    }

    [Theory]
    [InlineData("Information")]
    [InlineData("Trace")]
    public async Task A_console_specific_log_level_brings_back_no_full_secret_id(string level)
    {
        var (api, client) = await StartAsync(new()
        {
            ["Logging__Console__LogLevel__Default"] = level,
            ["Logging__LogLevel__Default"] = level,
        });
        await using var _ = api;
        using var __ = client;

        var ids = await RunLifecyclesAsync(client, 2);
        await (await client.GetAsync($"api/secrets/{ids[0]}")).AssertProblemAsync(HttpStatusCode.NotFound);
        using (var page = await client.GetAsync($"s/{ids[0]}"))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }

        // The configured level is in force: the API did log at it, just never the id.
        Assert.Contains("info:", api.Output, StringComparison.Ordinal);
        foreach (var id in ids)
        {
            Assert.DoesNotContain(id, api.Output, StringComparison.Ordinal);
        }
    }

    /// <summary>The API on a free port, healthy, with a client for it.</summary>
    private async Task<(ServiceProcess Api, HttpClient Client)> StartAsync(Dictionary<string, string?> extra)
    {
        var environment = await BackendAsync();
        var url = $"http://127.0.0.1:{ExternalProcess.FreePort()}";
        environment["ASPNETCORE_URLS"] = url;
        foreach (var (key, value) in extra)
        {
            environment[key] = value;
        }

        var api = ServiceProcess.Start("SecretShare.Api", environment);
        var client = new HttpClient { BaseAddress = new Uri(url + "/"), Timeout = Timeout };
        await ExternalProcess.WaitUntilAsync(async () =>
        {
            try
            {
                return (await client.GetAsync("health")).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return !api.HasExited ? false : throw new InvalidOperationException(api.Output);
            }
        }, Timeout, "the API");
        return (api, client);
    }

    private static async Task<List<string>> RunLifecyclesAsync(HttpClient client, int count)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var secret = await client.CreateAsync();
            await (await client.GetAsync($"api/secrets/{secret.Id}")).AssertOkAsync();
            await (await client.RevealAsync(secret.Id, secret.AccessToken)).AssertOkAsync();
            ids.Add(secret.Id);
        }

        return ids;
    }
}

[Trait("Backend", "Postgres")]
public sealed class PostgresProductionDefaultsTests : ProductionDefaultsTests
{
    protected override async Task<Dictionary<string, string?>> BackendAsync() => new()
    {
        [EnvironmentVariables.DatabaseUrl] = await (await TestServers.Postgres).CreateDatabaseAsync("logging"),
    };
}

[Trait("Backend", "DynamoDb")]
public sealed class DynamoDbProductionDefaultsTests : ProductionDefaultsTests
{
    // Production: the tables must exist (as deploy/ creates them) and credentials come from the standard chain.
    protected override async Task<Dictionary<string, string?>> BackendAsync()
    {
        var table = $"logging-{Guid.NewGuid():N}";
        var endpoint = (await TestServers.DynamoDb).Endpoint;
        await DynamoDbLocalServer.CreateTablesAsync(endpoint, table);
        return new()
        {
            [EnvironmentVariables.DynamoDbTable] = table,
            [EnvironmentVariables.DynamoDbEndpoint] = endpoint,
            [EnvironmentVariables.AwsRegion] = "us-east-1",
            [EnvironmentVariables.AwsAccessKeyId] = "local",
            [EnvironmentVariables.AwsSecretAccessKey] = "local",
        };
    }
}
