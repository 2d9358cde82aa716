using System.Buffers.Text;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace SecretShare.AppHost.Tests;

/// <summary>
/// Starts the whole AppHost once per backend (containers, API, cleanup worker) and drives the API over HTTP:
/// a one-view secret is created, revealed once (and burned), and is gone on the second reveal. Needs Docker.
/// Every wait has its own time limit, so a missing container runtime fails the test instead of hanging it.
/// </summary>
public sealed class AppHostTests
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(1);

    // Generous: the first run pulls the postgres or DynamoDB Local image.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan HealthyTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan ResourceStateTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Postgres_backend_serves_a_one_view_secret_and_keeps_the_cleanup_worker_running()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var app = await StartAsync("postgres", cancellationToken);

        // On PostgreSQL the worker is long-running: it deletes expired rows every few minutes.
        await app.ResourceNotifications
            .WaitForResourceAsync("cleanup", KnownResourceStates.Running, cancellationToken)
            .WaitAsync(ResourceStateTimeout, cancellationToken);

        await AssertOneViewSecretLifecycleAsync(app, cancellationToken);

        Assert.True(app.ResourceNotifications.TryGetCurrentState("cleanup", out var cleanup));
        Assert.Equal(KnownResourceStates.Running, cleanup.Snapshot.State?.Text);
    }

    [Fact]
    public async Task DynamoDb_backend_serves_a_one_view_secret_and_the_cleanup_worker_exits_zero()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var app = await StartAsync("dynamodb", cancellationToken);

        await AssertOneViewSecretLifecycleAsync(app, cancellationToken);

        // On DynamoDB the worker only logs that TTL removes expired items, then exits 0.
        var cleanup = await app.ResourceNotifications
            .WaitForResourceAsync("cleanup", resourceEvent => HasEnded(resourceEvent.Snapshot), cancellationToken)
            .WaitAsync(ResourceStateTimeout, cancellationToken);

        Assert.Equal(KnownResourceStates.Finished, cleanup.Snapshot.State?.Text);
        Assert.Equal(0, cleanup.Snapshot.ExitCode);
    }

    private static async Task<DistributedApplication> StartAsync(string backend, CancellationToken cancellationToken)
    {
        // Api:HttpPort=0: any free port, so a local service already on 5080 cannot fail the test.
        var appHost = await DistributedApplicationTestingBuilder
            .CreateAsync<Projects.SecretShare_AppHost>([$"Backend={backend}", "Api:HttpPort=0"], cancellationToken)
            .WaitAsync(BuildTimeout, cancellationToken);

        DistributedApplication app;
        try
        {
            app = await appHost.BuildAsync(cancellationToken).WaitAsync(BuildTimeout, cancellationToken);
        }
        catch
        {
            await appHost.DisposeAsync();
            throw;
        }

        try
        {
            await app.StartAsync(cancellationToken).WaitAsync(StartTimeout, cancellationToken);

            // Healthy = /health answers 200, which the API only does once its database is reachable.
            await app.ResourceNotifications
                .WaitForResourceHealthyAsync("api", cancellationToken)
                .WaitAsync(HealthyTimeout, cancellationToken);
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    private static async Task AssertOneViewSecretLifecycleAsync(DistributedApplication app, CancellationToken cancellationToken)
    {
        using var client = app.CreateHttpClient("api");

        // Shaped like a protocol v1 payload: version byte 0x01, then a 12-byte IV and ciphertext with its tag.
        var payload = RandomNumberGenerator.GetBytes(61);
        payload[0] = 0x01;
        var ciphertext = Base64Url.EncodeToString(payload);
        var accessToken = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

        using var created = await client
            .PostAsJsonAsync("/api/secrets", new { ciphertext, accessToken, maxViews = 1 }, cancellationToken)
            .WaitAsync(RequestTimeout, cancellationToken);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var createdBody = await created.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        var id = createdBody.GetProperty("id").GetString();
        Assert.False(string.IsNullOrEmpty(id));

        var revealPath = $"/api/secrets/{Uri.EscapeDataString(id)}/reveal";

        using var revealed = await client
            .PostAsJsonAsync(revealPath, new { accessToken }, cancellationToken)
            .WaitAsync(RequestTimeout, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, revealed.StatusCode);
        var revealedBody = await revealed.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        Assert.True(revealedBody.GetProperty("burned").GetBoolean());
        Assert.Equal(ciphertext, revealedBody.GetProperty("ciphertext").GetString());

        using var again = await client
            .PostAsJsonAsync(revealPath, new { accessToken }, cancellationToken)
            .WaitAsync(RequestTimeout, cancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    // A terminal state that carries its exit code (DCP may report Exited a moment before the code arrives).
    private static bool HasEnded(CustomResourceSnapshot snapshot) =>
        snapshot.State?.Text is { } state
        && KnownResourceStates.TerminalStates.Contains(state)
        && (snapshot.ExitCode is not null || state == KnownResourceStates.FailedToStart);
}
