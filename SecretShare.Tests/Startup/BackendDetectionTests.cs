using SecretShare.Storage.Configuration;
using SecretShare.Tests.Infrastructure;

namespace SecretShare.Tests.Startup;

/// <summary>SPEC section 4, checked on the real executables: exit codes and the one line an operator reads.</summary>
public sealed class BackendDetectionTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("SecretShare.Api")]
    [InlineData("SecretShare.Cleanup")]
    public async Task Without_a_database_start_up_stops_with_one_clear_line(string service)
    {
        await using var process = ServiceProcess.Start(service, new Dictionary<string, string?>());

        Assert.Equal(1, await process.WaitForExitAsync(Timeout));
        Assert.Equal("No database configured. Set DATABASE_URL or DYNAMODB_TABLE", process.Output.Trim());
    }

    [Theory]
    [InlineData("SecretShare.Api", "mysql://user:pass@localhost/db")]
    [InlineData("SecretShare.Api", "localhost:5432")]
    [InlineData("SecretShare.Cleanup", "http://example.org")]
    public async Task A_database_url_that_is_not_postgres_stops_start_up(string service, string url)
    {
        await using var process = ServiceProcess.Start(service, new Dictionary<string, string?> { [EnvironmentVariables.DatabaseUrl] = url });

        Assert.Equal(1, await process.WaitForExitAsync(Timeout));
        Assert.Equal("Invalid DATABASE_URL: must start with postgres://", process.Output.Trim());
    }

    [Fact]
    public async Task Invalid_limits_stop_start_up_with_one_line_naming_the_setting()
    {
        await using var process = ServiceProcess.Start("SecretShare.Api", new Dictionary<string, string?>
        {
            [EnvironmentVariables.DynamoDbTable] = "unused",
            ["SecretShare__Limits__DefaultMaxViews"] = "500",
        });

        Assert.Equal(1, await process.WaitForExitAsync(Timeout));
        var output = process.Output.Trim();
        Assert.DoesNotContain('\n', output);
        Assert.StartsWith("Invalid configuration:", output);
        Assert.Contains("DefaultMaxViews", output);
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("postgresql")]
    [Trait("Backend", "Postgres")]
    public async Task A_postgres_url_selects_PostgreSQL(string scheme)
    {
        var url = await (await TestServers.Postgres).CreateDatabaseAsync("detect");
        var port = ExternalProcess.FreePort();
        await using var api = ServiceProcess.Start("SecretShare.Api", new Dictionary<string, string?>
        {
            [EnvironmentVariables.DatabaseUrl] = scheme + url[url.IndexOf(':', StringComparison.Ordinal)..],
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
        });

        await AssertServesAsync(api, port, "Storage: PostgreSQL");
    }

    [Theory]
    [InlineData(EnvironmentVariables.DynamoDbEndpoint)]
    [InlineData(EnvironmentVariables.AwsEndpointUrlDynamoDb)]
    [Trait("Backend", "DynamoDb")]
    public async Task A_table_name_selects_DynamoDB_at_the_endpoint_given_by_either_variable(string endpointVariable)
    {
        var endpoint = (await TestServers.DynamoDb).Endpoint;
        var port = ExternalProcess.FreePort();
        await using var api = ServiceProcess.Start("SecretShare.Api", new Dictionary<string, string?>
        {
            [EnvironmentVariables.DynamoDbTable] = $"detect-{Guid.NewGuid():N}",
            [endpointVariable] = endpoint,
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
        });

        await AssertServesAsync(api, port, $"at {endpoint}");
    }

    [Fact]
    [Trait("Backend", "DynamoDb")]
    public async Task On_DynamoDB_the_cleanup_worker_defers_to_TTL_and_exits_0()
    {
        await using var cleanup = ServiceProcess.Start("SecretShare.Cleanup", new Dictionary<string, string?>
        {
            [EnvironmentVariables.DynamoDbTable] = "secrets",
            [EnvironmentVariables.DynamoDbEndpoint] = "http://127.0.0.1:1",
        });

        Assert.Equal(0, await cleanup.WaitForExitAsync(Timeout));
        Assert.Contains("DynamoDB TTL on expires_at removes expired secrets", cleanup.Output);
    }

    private static async Task AssertServesAsync(ServiceProcess api, int port, string expectedLog)
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        await ExternalProcess.WaitUntilAsync(async () => (await client.GetAsync("health")).IsSuccessStatusCode, Timeout, "the API");

        var secret = await client.CreateAsync();
        var revealed = await (await client.RevealAsync(secret.Id, secret.AccessToken)).AssertOkAsync();
        Assert.Equal(secret.Ciphertext, revealed["ciphertext"]!.GetValue<string>());
        Assert.Contains(expectedLog, api.Output);
    }
}
