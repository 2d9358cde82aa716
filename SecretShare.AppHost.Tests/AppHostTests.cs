using System.Buffers.Text;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
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
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromMinutes(2);

    protected TFixture Fixture { get; } = fixture;

    /// <summary>The resource name of the database the AppHost adds for this backend.</summary>
    protected abstract string DatabaseResource { get; }

    [Fact]
    public async Task A_one_view_secret_is_revealed_once_then_burned()
    {
        using var client = Fixture.App.CreateHttpClient("api");
        var secret = await CreateAsync(client, maxViews: 1);

        using var revealed = await RevealAsync(client, secret);
        Assert.Equal(HttpStatusCode.OK, revealed.StatusCode);
        var body = await revealed.Content.ReadFromJsonAsync<JsonElement>(Token);
        Assert.True(body.GetProperty("burned").GetBoolean());
        Assert.Equal(secret.Ciphertext, body.GetProperty("ciphertext").GetString());

        using var again = await RevealAsync(client, secret);
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
        var secret = await CreateAsync(client, maxViews: 1);

        using var start = new ManualResetEventSlim();
        var reveals = Enumerable.Range(0, 50).Select(_ => Task.Run(async () =>
        {
            start.Wait(Token);
            using var response = await RevealAsync(client, secret);
            return response.StatusCode;
        })).ToArray();
        start.Set();
        var statuses = await Task.WhenAll(reveals);

        // Exactly one payload, and every other racer told the secret is gone (no 5xx, no rate limiting).
        var outcome = string.Join(", ", statuses.CountBy(status => (int)status).OrderBy(pair => pair.Key).Select(pair => $"{pair.Value} x {pair.Key}"));
        Assert.Equal("1 x 200, 49 x 404", outcome);
    }

    [Fact]
    public async Task The_api_serves_again_after_the_AppHost_restarts_its_database_and_keeps_earlier_secrets()
    {
        using var client = Fixture.App.CreateHttpClient("api");
        var before = await CreateAsync(client, maxViews: 2);

        var commands = Fixture.App.Services.GetRequiredService<ResourceCommandService>();
        var result = await commands.ExecuteCommandAsync(DatabaseResource, KnownResourceCommands.RestartCommand, Token);
        Assert.True(result.Success, result.Message);

        using var recovery = CancellationTokenSource.CreateLinkedTokenSource(Token);
        recovery.CancelAfter(RecoveryTimeout);
        await Fixture.App.ResourceNotifications.WaitForResourceHealthyAsync(DatabaseResource, recovery.Token);
        var after = await RetryUntilCreatedAsync(client, recovery.Token);

        using var revealedBefore = await RevealAsync(client, before);
        Assert.Equal(HttpStatusCode.OK, revealedBefore.StatusCode);
        using var revealedAfter = await RevealAsync(client, after);
        Assert.Equal(HttpStatusCode.OK, revealedAfter.StatusCode);
    }

    protected static CancellationToken Token => TestContext.Current.CancellationToken;

    protected sealed record Secret(string Id, string Ciphertext, string AccessToken);

    private static async Task<Secret> CreateAsync(HttpClient client, int maxViews) =>
        await TryCreateAsync(client, maxViews, Token) ?? throw new InvalidOperationException("The API did not create the secret.");

    // Shaped like a protocol v1 payload: version byte 0x01, then a 12-byte IV and ciphertext with its tag.
    private static async Task<Secret?> TryCreateAsync(HttpClient client, int maxViews, CancellationToken cancellationToken)
    {
        var payload = RandomNumberGenerator.GetBytes(61);
        payload[0] = 0x01;
        var ciphertext = Base64Url.EncodeToString(payload);
        var accessToken = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        using var response = await client.PostAsJsonAsync("/api/secrets", new { ciphertext, accessToken, maxViews }, cancellationToken);
        if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
        {
            return null;
        }

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        return new Secret(body.GetProperty("id").GetString()!, ciphertext, accessToken);
    }

    // While the database restarts the API answers 503 (or the proxy refuses); it must serve again without a restart.
    private static async Task<Secret> RetryUntilCreatedAsync(HttpClient client, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                if (await TryCreateAsync(client, maxViews: 1, cancellationToken) is { } secret)
                {
                    return secret;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }

    private static Task<HttpResponseMessage> RevealAsync(HttpClient client, Secret secret) =>
        client.PostAsJsonAsync($"/api/secrets/{Uri.EscapeDataString(secret.Id)}/reveal", new { accessToken = secret.AccessToken }, Token);
}

public sealed class PostgresAppHostTests(PostgresAppHostFixture fixture) : AppHostTests<PostgresAppHostFixture>(fixture)
{
    protected override string DatabaseResource => "postgres";

    [Fact]
    public async Task The_cleanup_worker_keeps_running_on_PostgreSQL()
    {
        await Fixture.App.ResourceNotifications.WaitForResourceAsync("cleanup", KnownResourceStates.Running, Token);
        await Task.Delay(TimeSpan.FromSeconds(2), Token);
        Assert.True(Fixture.App.ResourceNotifications.TryGetCurrentState("cleanup", out var cleanup));
        Assert.Equal(KnownResourceStates.Running, cleanup.Snapshot.State?.Text);
    }
}

public sealed class DynamoDbAppHostTests(DynamoDbAppHostFixture fixture) : AppHostTests<DynamoDbAppHostFixture>(fixture)
{
    protected override string DatabaseResource => "dynamodb";

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
