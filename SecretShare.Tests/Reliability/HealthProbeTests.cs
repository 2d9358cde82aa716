using System.Net;
using SecretShare.Storage.Configuration;
using SecretShare.Tests.Infrastructure;

namespace SecretShare.Tests.Reliability;

/// <summary>
/// <c>/health</c> is unauthenticated and not rate limited, and orchestrators poll it: on DynamoDB each probe would be a
/// DescribeTable call, a control-plane operation with a low account-wide rate (a probe flood could get the table's
/// describes throttled and every instance reported unhealthy). The result is kept briefly; probes are not traced.
/// </summary>
[Trait("Backend", "DynamoDb")]
public sealed class DynamoDbHealthProbeTests(DynamoDbFixture fixture) : IClassFixture<DynamoDbFixture>
{
    [Fact]
    public async Task A_flood_of_health_probes_costs_at_most_one_DescribeTable_per_few_seconds()
    {
        await using var relay = new TcpRelay(new Uri(fixture.Endpoint));
        await using var app = fixture.CreateApp(new Dictionary<string, string?> { [EnvironmentVariables.DynamoDbEndpoint] = relay.Endpoint });
        using var client = app.CreateHttpClient();
        await (await client.GetAsync("health")).Content.ReadAsStringAsync();

        relay.Count("DynamoDB_20120810.DescribeTable");
        var statuses = await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
        {
            using var response = await client.GetAsync("health");
            return response.StatusCode;
        }));

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        // One cache period may end during the flood on a slow machine.
        Assert.InRange(relay.Counted, 0, 2);
    }

    [Fact]
    public async Task A_cut_database_shows_in_health_once_the_short_cache_period_has_passed()
    {
        await using var relay = new TcpRelay(new Uri(fixture.Endpoint));
        await using var app = fixture.CreateApp(new Dictionary<string, string?> { [EnvironmentVariables.DynamoDbEndpoint] = relay.Endpoint });
        using var client = app.CreateHttpClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("health")).StatusCode);

        relay.Cut();
        await ExternalProcess.WaitUntilAsync(
            async () => (await client.GetAsync("health")).StatusCode == HttpStatusCode.ServiceUnavailable,
            TimeSpan.FromSeconds(30), "/health to report the cut database");
    }
}
