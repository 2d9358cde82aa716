using System.Net;
using System.Text.Json.Nodes;
using SecretShare.Tests.Infrastructure;

namespace SecretShare.Tests.Api;

/// <summary>
/// SPEC section 3 under real concurrent requests: many HTTP requests released at once against one secret.
/// </summary>
public abstract class ConcurrencyTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : BackendFixture
{
    private const int Racers = 50;

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task Racing_reveals_return_the_payload_exactly_max_views_times(int maxViews)
    {
        var secret = await fixture.Client.CreateAsync(new() { ["maxViews"] = maxViews });

        var responses = await RaceAsync(() => fixture.Client.RevealAsync(secret.Id, secret.AccessToken));

        var revealed = responses.Where(r => r.Status == HttpStatusCode.OK).Select(r => r.Body).ToList();
        Assert.Equal(maxViews, revealed.Count);
        Assert.All(responses, r => Assert.Contains(r.Status, new[] { HttpStatusCode.OK, HttpStatusCode.NotFound }));
        Assert.All(revealed, body => Assert.Equal(secret.Ciphertext, body["ciphertext"]!.GetValue<string>()));
        Assert.Equal(
            Enumerable.Range(0, maxViews).Reverse(),
            revealed.Select(body => body["viewsRemaining"]!.GetValue<int>()).OrderDescending());
        Assert.Single(revealed, body => body["burned"]!.GetValue<bool>());
        Assert.False(await fixture.IsStoredAsync(secret.Id));
    }

    [Fact]
    public async Task Racing_wrong_tokens_count_every_attempt_exactly_once()
    {
        var secret = await fixture.Client.CreateAsync();

        var responses = await RaceAsync(() => fixture.Client.RevealAsync(secret.Id, ApiCalls.NewToken()));

        var denied = responses.Where(r => r.Status == HttpStatusCode.Forbidden).ToList();
        Assert.Equal([4, 3, 2, 1, 0], denied.Select(r => r.Body["attemptsRemaining"]!.GetValue<int>()).OrderDescending());
        Assert.Equal(Racers - 5, responses.Count(r => r.Status == HttpStatusCode.NotFound));
        Assert.False(await fixture.IsStoredAsync(secret.Id));
    }

    [Fact]
    public async Task Racing_extensions_all_apply()
    {
        var secret = await fixture.Client.CreateAsync(new() { ["extendable"] = true, ["maxViews"] = 1, ["expiresInSeconds"] = 3600 });
        const int Extenders = 10;

        var responses = await RaceAsync(() => fixture.Client.ExtendAsync(secret.Id, secret.AccessToken, addViews: 1), Extenders);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        var metadata = await (await fixture.Client.GetAsync($"api/secrets/{secret.Id}")).AssertOkAsync();
        Assert.Equal(1 + Extenders, metadata["maxViews"]!.GetValue<int>());
    }

    private static async Task<List<(HttpStatusCode Status, JsonObject Body)>> RaceAsync(Func<Task<HttpResponseMessage>> call, int racers = Racers)
    {
        using var start = new SemaphoreSlim(0);
        var tasks = Enumerable.Range(0, racers).Select(async _ =>
        {
            await start.WaitAsync();
            using var response = await call();
            var text = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, JsonNode.Parse(text)!.AsObject());
        }).ToList();
        start.Release(racers);
        return [.. await Task.WhenAll(tasks)];
    }
}
