using System.Net;
using System.Net.Http.Json;
using SecretShare.Tests.Infrastructure;

namespace SecretShare.Tests.Api;

/// <summary>
/// Two API instances with one Redis (<c>ConnectionStrings:redis</c>), as the AppHost runs replicas: one budget per
/// client across both, and when Redis goes away each instance keeps limiting on its own, without a 5xx, and says so
/// in <c>/health</c> (Degraded, still 200) and in its log.
/// </summary>
public abstract class SharedRateLimitTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    private const int CreateLimit = 5;

    private SecretShareApp Instance(RedisServer redis) => fixture.CreateApp(new Dictionary<string, string?>
    {
        ["ConnectionStrings:redis"] = redis.ConnectionString,
        ["SecretShare:RateLimiting:Enabled"] = "true",
        ["SecretShare:RateLimiting:CreatePermitLimit"] = CreateLimit.ToString(),
        ["SecretShare:RateLimiting:WindowSeconds"] = "3600",
    });

    [Fact]
    public async Task Two_instances_share_exactly_one_budget_under_concurrent_creates()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var first = Instance(redis);
        await using var second = Instance(redis);
        using var firstClient = first.CreateHttpClient();
        using var secondClient = second.CreateHttpClient();

        var statuses = await Task.WhenAll(Enumerable.Range(0, 4 * CreateLimit)
            .Select(i => CreateAsync(i % 2 == 0 ? firstClient : secondClient)));

        Assert.Equal(CreateLimit, statuses.Count(status => status == HttpStatusCode.Created));
        Assert.Equal(3 * CreateLimit, statuses.Count(status => status == HttpStatusCode.TooManyRequests));
        Assert.Equal("Healthy", await (await firstClient.GetAsync("health")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Without_Redis_each_instance_limits_on_its_own_and_reports_degraded_never_a_5xx()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var first = Instance(redis);
        await using var second = Instance(redis);
        using var firstClient = first.CreateHttpClient();
        using var secondClient = second.CreateHttpClient();
        Assert.Equal(HttpStatusCode.Created, await CreateAsync(firstClient));

        await redis.KillAsync();
        var statuses = new List<HttpStatusCode>();
        foreach (var i in Enumerable.Range(0, 4 * CreateLimit))
        {
            statuses.Add(await CreateAsync(i % 2 == 0 ? firstClient : secondClient));
        }

        Assert.All(statuses, status => Assert.True(status is HttpStatusCode.Created or HttpStatusCode.TooManyRequests, $"got {(int)status}"));
        // Still limited: at most one budget per instance (the first may have counted its first create in Redis only).
        var created = statuses.Count(status => status == HttpStatusCode.Created);
        Assert.InRange(created, CreateLimit, 2 * CreateLimit);
        foreach (var client in new[] { firstClient, secondClient })
        {
            using var health = await client.GetAsync("health");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal("Degraded", await health.Content.ReadAsStringAsync());
        }

        Assert.Contains(first.Logs.Entries, e => e.Text.Contains("rate limits are counted per instance", StringComparison.Ordinal));

        // Back: shared again once the client has reconnected by itself.
        await redis.StartAgainAsync();
        await ExternalProcess.WaitUntilAsync(
            async () => await (await firstClient.GetAsync("health")).Content.ReadAsStringAsync() == "Healthy",
            TimeSpan.FromSeconds(60), "the shared store to be back");
        Assert.Equal(HttpStatusCode.Created, await CreateAsync(firstClient));
    }

    [Fact]
    public async Task A_Redis_that_stops_answering_with_requests_in_flight_costs_no_5xx()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var instance = Instance(redis);
        using var client = instance.CreateHttpClient();
        Assert.Equal(HttpStatusCode.Created, await CreateAsync(client));

        // Frozen, not closed: commands time out, then the client declares the socket dead and cancels what is still
        // in flight. Four requests at a time keep some in flight through both.
        await redis.FreezeAsync();
        var statuses = new List<HttpStatusCode>();
        try
        {
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(12);
            while (DateTime.UtcNow < until)
            {
                statuses.AddRange(await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => CreateAsync(client))));
            }
        }
        finally
        {
            await redis.ThawAsync();
        }

        Assert.All(statuses, status => Assert.True(status is HttpStatusCode.Created or HttpStatusCode.TooManyRequests, $"got {(int)status}"));
        Assert.Contains(instance.Logs.Entries, e => e.Text.Contains("rate limits are counted per instance", StringComparison.Ordinal));
    }

    private static async Task<HttpStatusCode> CreateAsync(HttpClient client)
    {
        using var response = await client.PostAsJsonAsync("api/secrets", new { ciphertext = ApiCalls.NewCiphertext(), accessToken = ApiCalls.NewToken() });
        return response.StatusCode;
    }
}

[Trait("Backend", "Postgres")]
public sealed class PostgresSharedRateLimitTests(PostgresFixture fixture) : SharedRateLimitTests<PostgresFixture>(fixture);

[Trait("Backend", "DynamoDb")]
public sealed class DynamoDbSharedRateLimitTests(DynamoDbFixture fixture) : SharedRateLimitTests<DynamoDbFixture>(fixture);
