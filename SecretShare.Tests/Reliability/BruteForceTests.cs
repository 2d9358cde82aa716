using System.Collections.Concurrent;
using System.Net;
using SecretShare.Tests.Infrastructure;

namespace SecretShare.Tests.Reliability;

/// <summary>
/// An attacker guesses tokens for one secret from one address with the production limits (5 failed attempts,
/// 60 token checks a minute per address): the secret dies at exactly the fifth guess, the limiter stops the rest
/// with 429 and Retry-After, and a user at another address notices nothing.
/// </summary>
public abstract class BruteForceTests<TFixture>(TFixture fixture, ITestOutputHelper output) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    private const int Attempts = 1000;
    private const int MaxFailedAttempts = 5;
    private const int TokenPermitLimit = 60;

    [Fact]
    public async Task A_thousand_wrong_tokens_delete_the_secret_at_the_limit_and_are_rate_limited_without_hurting_other_addresses()
    {
        await using var app = fixture.CreateApp(new Dictionary<string, string?>
        {
            ["SecretShare:RateLimiting:Enabled"] = "true",
            ["SecretShare:RateLimiting:TokenPermitLimit"] = TokenPermitLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SecretShare:RateLimiting:WindowSeconds"] = "300",
            ["SecretShare:Limits:MaxFailedAttempts"] = MaxFailedAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        using var attacker = ReliabilitySupport.ClientFrom(IPAddress.Parse("127.0.0.1"), app.BaseAddress);
        using var user = ReliabilitySupport.ClientFrom(IPAddress.Parse("127.0.0.2"), app.BaseAddress);
        var target = await user.CreateAsync(new() { ["maxViews"] = 3, ["passphraseProtected"] = true });
        var own = await user.CreateAsync(new() { ["maxViews"] = 50 });

        // The first guesses, one by one: each counts, and the fifth deletes the row.
        for (var attempt = 1; attempt <= MaxFailedAttempts; attempt++)
        {
            using var denied = await attacker.RevealAsync(target.Id, ApiCalls.NewToken());
            var problem = await denied.AssertProblemAsync(HttpStatusCode.Forbidden);
            Assert.Equal(MaxFailedAttempts - attempt, problem["attemptsRemaining"]!.GetValue<int>());
            Assert.Equal(attempt < MaxFailedAttempts, await fixture.IsStoredAsync(target.Id));
        }

        // The rest, 16 at a time, while the user at the other address reveals its own secret.
        var statuses = new ConcurrentBag<(int Status, bool Problem, TimeSpan? RetryAfter)>();
        var userStatuses = new ConcurrentBag<int>();
        var userTraffic = Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                using var revealed = await user.RevealAsync(own.Id, own.AccessToken);
                userStatuses.Add((int)revealed.StatusCode);
                await Task.Delay(10);
            }
        });
        await Parallel.ForEachAsync(Enumerable.Range(0, Attempts - MaxFailedAttempts), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, _) =>
        {
            using var response = await attacker.RevealAsync(target.Id, ApiCalls.NewToken());
            if (response.StatusCode == HttpStatusCode.TooManyRequests && statuses.Count(s => s.Status == 429) == 0)
            {
                ReliabilitySupport.AssertSecurityHeaders(response, "429");
            }

            statuses.Add(((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType == "application/problem+json", response.Headers.RetryAfter?.Delta));
        });
        await userTraffic;

        var counts = statuses.GroupBy(s => s.Status).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine($"attacker: 403×{MaxFailedAttempts} then {string.Join(", ", counts.OrderBy(c => c.Key).Select(c => $"{c.Key}×{c.Value}"))}; user: {string.Join(", ", userStatuses.GroupBy(s => s).Select(g => $"{g.Key}×{g.Count()}"))}");

        // No guess after the fifth counted or reached anything: the secret is gone (404) until the limiter stops them (429).
        Assert.Equal([404, 429], counts.Keys.Order());
        Assert.Equal(TokenPermitLimit - MaxFailedAttempts, counts[404]);
        Assert.Equal(Attempts - TokenPermitLimit, counts[429]);
        Assert.All(statuses, s => Assert.True(s.Problem, $"{s.Status} without problem+json"));
        Assert.All(statuses.Where(s => s.Status == 429), s => Assert.True(s.RetryAfter > TimeSpan.Zero, "429 without Retry-After"));
        Assert.False(await fixture.IsStoredAsync(target.Id));

        // The other address was never limited and its secret kept working.
        Assert.All(userStatuses, status => Assert.Equal(200, status));
        Assert.Equal(20, userStatuses.Count);
        await (await user.GetAsync($"api/secrets/{target.Id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        var metadata = await (await user.GetAsync($"api/secrets/{own.Id}")).AssertOkAsync();
        Assert.Equal(30, metadata["viewsRemaining"]!.GetValue<int>());
    }
}

[Trait("Backend", "Postgres")]
public sealed class PostgresBruteForceTests(PostgresFixture fixture, ITestOutputHelper output) : BruteForceTests<PostgresFixture>(fixture, output);

[Trait("Backend", "DynamoDb")]
public sealed class DynamoDbBruteForceTests(DynamoDbFixture fixture, ITestOutputHelper output) : BruteForceTests<DynamoDbFixture>(fixture, output);
