using System.Net;
using System.Net.Http.Json;
using SecretShare.Storage.Configuration;
using SecretShare.Tests.Infrastructure;

namespace SecretShare.Tests.Api;

/// <summary>
/// Whom a rate limit counts. The test client connects from 127.0.0.1; as a proxy there would, it says in
/// <c>X-Forwarded-For</c> for whom it forwards. Believed only from configured proxies; IPv6 clients count per /64.
/// </summary>
public abstract class ClientAddressTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    private const int CreateLimit = 2;

    private SecretShareApp Limited(Dictionary<string, string?>? forwarded = null)
    {
        var settings = new Dictionary<string, string?>(forwarded ?? [])
        {
            ["SecretShare:RateLimiting:Enabled"] = "true",
            ["SecretShare:RateLimiting:CreatePermitLimit"] = CreateLimit.ToString(),
            ["SecretShare:RateLimiting:WindowSeconds"] = "3600",
        };
        return fixture.CreateApp(settings);
    }

    [Fact]
    public async Task Without_trusted_proxies_a_forwarded_address_buys_no_fresh_budget()
    {
        await using var app = Limited();
        using var client = app.CreateHttpClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < CreateLimit + 3; i++)
        {
            statuses.Add(await CreateAsAsync(client, $"198.51.100.{i + 1}"));
        }

        Assert.Equal(CreateLimit, statuses.Count(status => status == HttpStatusCode.Created));
        Assert.All(statuses.Skip(CreateLimit), status => Assert.Equal(HttpStatusCode.TooManyRequests, status));
    }

    [Theory]
    [InlineData("TrustedProxies", "127.0.0.1")]
    [InlineData("TrustedNetworks", "127.0.0.0/8, 10.0.0.0/8")]
    public async Task Behind_a_trusted_proxy_each_client_has_its_own_budget_and_cannot_prepend_a_fake_one(string setting, string value)
    {
        await using var app = Limited(new() { [$"SecretShare:ForwardedHeaders:{setting}"] = value });
        using var client = app.CreateHttpClient();

        // One client uses up its budget, with or without addresses of its own choosing in front of the real one.
        for (var i = 0; i < CreateLimit; i++)
        {
            Assert.Equal(HttpStatusCode.Created, await CreateAsAsync(client, "203.0.113.7"));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, await CreateAsAsync(client, "203.0.113.7"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await CreateAsAsync(client, "192.0.2.99, 203.0.113.7"));

        // Another client behind the same proxy is not affected.
        Assert.Equal(HttpStatusCode.Created, await CreateAsAsync(client, "203.0.113.8"));
    }

    [Fact]
    public async Task IPv6_clients_are_counted_per_64()
    {
        await using var app = Limited(new() { ["SecretShare:ForwardedHeaders:TrustedProxies"] = "127.0.0.1" });
        using var client = app.CreateHttpClient();

        // Addresses of one /64: one budget.
        Assert.Equal(HttpStatusCode.Created, await CreateAsAsync(client, "2001:db8:1:2::1"));
        Assert.Equal(HttpStatusCode.Created, await CreateAsAsync(client, "2001:db8:1:2:ffff:ffff:ffff:fffe"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await CreateAsAsync(client, "[2001:db8:1:2:abcd::9]:4711"));

        // The next /64 is someone else.
        Assert.Equal(HttpStatusCode.Created, await CreateAsAsync(client, "2001:db8:1:3::1"));
    }

    private static async Task<HttpStatusCode> CreateAsAsync(HttpClient client, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/secrets")
        {
            Content = JsonContent.Create(new { ciphertext = ApiCalls.NewCiphertext(), accessToken = ApiCalls.NewToken() }),
        };
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}

[Trait("Backend", "Postgres")]
public sealed class PostgresClientAddressTests(PostgresFixture fixture) : ClientAddressTests<PostgresFixture>(fixture);

[Trait("Backend", "DynamoDb")]
public sealed class DynamoDbClientAddressTests(DynamoDbFixture fixture) : ClientAddressTests<DynamoDbFixture>(fixture);

/// <summary>The host's own switch trusts forwarded headers from anyone: refused at start-up with one line.</summary>
public sealed class ForwardedHeadersStartupTests
{
    [Theory]
    [InlineData("ASPNETCORE_FORWARDEDHEADERS_ENABLED", "true", "ASPNETCORE_FORWARDEDHEADERS_ENABLED trusts X-Forwarded-For from any peer")]
    [InlineData("SecretShare__ForwardedHeaders__TrustedNetworks", "10.0.0.0/33", "'10.0.0.0/33' at 'SecretShare:ForwardedHeaders:TrustedNetworks'")]
    [InlineData("SecretShare__ForwardedHeaders__TrustedProxies", "10.0.0.0/8", "'10.0.0.0/8' at 'SecretShare:ForwardedHeaders:TrustedProxies'")]
    public async Task A_switch_that_trusts_any_peer_or_a_bad_entry_stops_start_up(string variable, string value, string expected)
    {
        await using var api = ServiceProcess.Start("SecretShare.Api", new Dictionary<string, string?>
        {
            [EnvironmentVariables.DynamoDbTable] = "unused",
            [EnvironmentVariables.DynamoDbEndpoint] = "http://127.0.0.1:1",
            [variable] = value,
        });

        Assert.Equal(1, await api.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var output = api.Output.Trim();
        Assert.DoesNotContain('\n', output);
        Assert.StartsWith("Invalid configuration:", output);
        Assert.Contains(expected, output);
    }
}
