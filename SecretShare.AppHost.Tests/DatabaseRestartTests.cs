using System.Net;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace SecretShare.AppHost.Tests;

/// <summary>
/// The database restarted from the AppHost (as the dashboard's Restart does) under two running API replicas. A fixture
/// of its own: a pooled connection that died with the old server may cost one request a 503 right after the restart,
/// which must not leak into the other tests' exact counts.
/// </summary>
public abstract class DatabaseRestartTests<TFixture>(TFixture fixture, string databaseResource) : IClassFixture<TFixture>
    where TFixture : AppHostFixture
{
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task The_api_serves_again_after_the_AppHost_restarts_its_database_and_keeps_earlier_secrets()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var client = fixture.App.CreateHttpClient("api");
        var before = await ApiCalls.CreateAsync(client, maxViews: 2, cancellationToken);

        var commands = fixture.App.Services.GetRequiredService<ResourceCommandService>();
        var result = await commands.ExecuteCommandAsync(databaseResource, KnownResourceCommands.RestartCommand, cancellationToken);
        Assert.True(result.Success, result.Message);

        using var recovery = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        recovery.CancelAfter(RecoveryTimeout);
        // Waits through the stopped instance's Exited state, which the notifications may still show when the command
        // returns; a database that never comes back fails the test with its own log.
        try
        {
            await fixture.App.ResourceNotifications.WaitForResourceHealthyAsync(
                databaseResource, WaitBehavior.WaitOnResourceUnavailable, recovery.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Assert.Fail($"'{databaseResource}' was not healthy {RecoveryTimeout} after its restart. Its log:\n"
                + await fixture.RecentLogAsync(databaseResource));
        }
        // Both replicas serve again (the proxy alternates between them), having answered at most 503s meanwhile.
        var after = await ApiCalls.CreateWhenServingAsync(client, consecutive: 4, recovery.Token);

        using var revealedBefore = await ApiCalls.RevealAsync(client, before, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, revealedBefore.StatusCode);
        using var revealedAfter = await ApiCalls.RevealAsync(client, after, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, revealedAfter.StatusCode);
    }
}

[Trait("Backend", "Postgres")]
public sealed class PostgresDatabaseRestartTests(PostgresAppHostFixture fixture)
    : DatabaseRestartTests<PostgresAppHostFixture>(fixture, "postgres");

[Trait("Backend", "DynamoDb")]
public sealed class DynamoDbDatabaseRestartTests(DynamoDbAppHostFixture fixture)
    : DatabaseRestartTests<DynamoDbAppHostFixture>(fixture, "dynamodb");
