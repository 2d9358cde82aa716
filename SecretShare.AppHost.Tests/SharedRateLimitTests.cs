using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace SecretShare.AppHost.Tests;

/// <summary>
/// Two API replicas with a create limit of <see cref="CreateLimit"/> per hour, sharing their counts in the Redis the
/// AppHost runs for them. A fixture of its own: it uses up the test client's budget.
/// </summary>
public sealed class SharedRateLimitFixture() : AppHostFixture("dynamodb")
{
    public const int CreateLimit = 5;

    protected override void Configure(IDistributedApplicationTestingBuilder builder) =>
        builder.CreateResourceBuilder<ProjectResource>("api")
            .WithEnvironment("SecretShare__RateLimiting__CreatePermitLimit", CreateLimit.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment("SecretShare__RateLimiting__WindowSeconds", "3600");
}

/// <summary>Rate limits across replicas, through Aspire's proxy: one budget, and no 5xx when Redis goes away.</summary>
public sealed class SharedRateLimitTests(SharedRateLimitFixture fixture) : IClassFixture<SharedRateLimitFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_replicas_share_exactly_one_budget_then_keep_serving_without_5xx_when_Redis_stops()
    {
        using var ready = CancellationTokenSource.CreateLinkedTokenSource(Token);
        ready.CancelAfter(TimeSpan.FromMinutes(1));
        await fixture.App.ResourceNotifications.WaitForResourceHealthyAsync("redis", ready.Token);
        await fixture.WaitForRunningInstancesAsync("api", 2, ready.Token);

        // A client of its own per request: new connections, which the proxy spreads over both replicas.
        var statuses = await Task.WhenAll(Enumerable.Range(0, 6 * SharedRateLimitFixture.CreateLimit).Select(_ => CreateAsync()));
        Assert.Equal(SharedRateLimitFixture.CreateLimit, statuses.Count(status => status == HttpStatusCode.Created));
        Assert.All(statuses, status => Assert.True(status is HttpStatusCode.Created or HttpStatusCode.TooManyRequests, $"got {(int)status}"));

        // Aspire's proxy forwards TCP and adds no X-Forwarded-For, so a client that sends its own buys no fresh budget.
        var forged = await Task.WhenAll(Enumerable.Range(1, 10).Select(i => CreateAsync(forwardedFor: $"203.0.113.{i}")));
        Assert.All(forged, status => Assert.Equal(HttpStatusCode.TooManyRequests, status));

        // Redis stops under load: every answer is still a 201 or a 429, and both replicas stay healthy.
        var commands = fixture.App.Services.GetRequiredService<ResourceCommandService>();
        var load = Task.Run(async () =>
        {
            var seen = new List<HttpStatusCode>();
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(8);
            while (DateTime.UtcNow < until)
            {
                seen.AddRange(await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => CreateAsync())));
            }

            return seen;
        }, Token);
        await Task.Delay(TimeSpan.FromSeconds(1), Token);
        var stopped = await commands.ExecuteCommandAsync("redis", KnownResourceCommands.StopCommand, Token);
        Assert.True(stopped.Success, stopped.Message);

        var during = await load;
        Assert.All(during, status => Assert.True(status is HttpStatusCode.Created or HttpStatusCode.TooManyRequests, $"got {(int)status}"));
        using var client = fixture.App.CreateHttpClient("api");
        for (var i = 0; i < 4; i++)
        {
            using var health = await client.GetAsync("/health", Token);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal("Degraded", await health.Content.ReadAsStringAsync(Token));
        }
    }

    private async Task<HttpStatusCode> CreateAsync(string? forwardedFor = null)
    {
        using var client = new HttpClient { BaseAddress = fixture.App.GetEndpoint("api", "http") };
        if (forwardedFor is not null)
        {
            client.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
        }

        var payload = RandomNumberGenerator.GetBytes(61);
        payload[0] = 0x01;
        using var response = await client.PostAsJsonAsync("/api/secrets", new
        {
            ciphertext = System.Buffers.Text.Base64Url.EncodeToString(payload),
            accessToken = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32)),
        }, Token);
        return response.StatusCode;
    }
}
