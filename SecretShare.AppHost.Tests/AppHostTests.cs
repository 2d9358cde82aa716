using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace SecretShare.AppHost.Tests;

/// <summary>
/// The whole distributed application as the AppHost runs it: database, two API replicas behind Aspire's proxy and the
/// cleanup worker, driven over HTTP through the proxy. The same tests run on both backends.
/// </summary>
public abstract class AppHostTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : AppHostFixture
{
    protected TFixture Fixture { get; } = fixture;

    [Fact]
    public async Task A_one_view_secret_is_revealed_once_then_burned()
    {
        using var client = Fixture.App.CreateHttpClient("api");
        var secret = await ApiCalls.CreateAsync(client, maxViews: 1, Token);

        using var revealed = await ApiCalls.RevealAsync(client, secret, Token);
        Assert.Equal(HttpStatusCode.OK, revealed.StatusCode);
        var body = await revealed.Content.ReadFromJsonAsync<JsonElement>(Token);
        Assert.True(body.GetProperty("burned").GetBoolean());
        Assert.Equal(secret.Ciphertext, body.GetProperty("ciphertext").GetString());

        using var again = await ApiCalls.RevealAsync(client, secret, Token);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task Two_replicas_behind_the_proxy_reveal_a_one_view_secret_exactly_once_under_50_concurrent_reveals()
    {
        using var replicasTimeout = CancellationTokenSource.CreateLinkedTokenSource(Token);
        replicasTimeout.CancelAfter(TimeSpan.FromSeconds(30));
        var replicas = await Fixture.WaitForRunningInstancesAsync("api", 2, replicasTimeout.Token);
        Assert.Equal(2, replicas.Count);

        using var client = Fixture.App.CreateHttpClient("api");
        var secret = await ApiCalls.CreateAsync(client, maxViews: 1, Token);

        using var start = new ManualResetEventSlim();
        var reveals = Enumerable.Range(0, 50).Select(_ => Task.Run(async () =>
        {
            start.Wait(Token);
            using var response = await ApiCalls.RevealAsync(client, secret, Token);
            return response.StatusCode;
        })).ToArray();
        start.Set();
        var statuses = await Task.WhenAll(reveals);

        // Exactly one payload, and every other racer told the secret is gone (no 5xx, no rate limiting).
        var outcome = string.Join(", ", statuses.CountBy(status => (int)status).OrderBy(pair => pair.Key).Select(pair => $"{pair.Value} x {pair.Key}"));
        if (outcome != "1 x 200, 49 x 404")
        {
            Assert.Fail($"Expected 1 x 200, 49 x 404 but got {outcome}. The API's log:\n{await Fixture.RecentLogAsync("api", lines: 120)}");
        }
    }

    protected static CancellationToken Token => TestContext.Current.CancellationToken;
}

[Trait("Backend", "Postgres")]
public sealed class PostgresAppHostTests(PostgresAppHostFixture fixture) : AppHostTests<PostgresAppHostFixture>(fixture)
{
    [Fact]
    public async Task The_cleanup_worker_keeps_running_on_PostgreSQL()
    {
        await Fixture.App.ResourceNotifications.WaitForResourceAsync("cleanup", KnownResourceStates.Running, Token);
        await Task.Delay(TimeSpan.FromSeconds(2), Token);
        Assert.True(Fixture.App.ResourceNotifications.TryGetCurrentState("cleanup", out var cleanup));
        Assert.Equal(KnownResourceStates.Running, cleanup.Snapshot.State?.Text);
    }
}

[Trait("Backend", "DynamoDb")]
public sealed class DynamoDbAppHostTests(DynamoDbAppHostFixture fixture) : AppHostTests<DynamoDbAppHostFixture>(fixture)
{
    [Fact]
    public async Task The_cleanup_worker_defers_to_TTL_and_exits_0_on_DynamoDB()
    {
        // A terminal state that carries its exit code (DCP may report the state a moment before the code arrives).
        var cleanup = await Fixture.App.ResourceNotifications.WaitForResourceAsync(
            "cleanup",
            update => update.Snapshot.State?.Text is { } state && KnownResourceStates.TerminalStates.Contains(state) && update.Snapshot.ExitCode is not null,
            Token);

        Assert.Equal(KnownResourceStates.Finished, cleanup.Snapshot.State?.Text);
        Assert.Equal(0, cleanup.Snapshot.ExitCode);
    }
}
