using SecretShare.Storage.Configuration;
using SecretShare.Tests.Infrastructure;

namespace SecretShare.Tests.Reliability;

/// <summary>
/// The answer to a storage write is lost after the write was applied, and the storage client retries it. The API
/// must still answer as if the first attempt had been heard: a lost answer is not a 500.
/// </summary>
[Trait("Backend", "DynamoDb")]
public sealed class DynamoDbLostAnswerTests(DynamoDbFixture fixture) : IClassFixture<DynamoDbFixture>
{
    [Fact]
    public async Task A_create_whose_answer_was_lost_and_retried_is_still_a_201_and_the_secret_works()
    {
        await using var relay = new TcpRelay(new Uri(fixture.Endpoint));
        await using var app = fixture.CreateApp(new Dictionary<string, string?> { [EnvironmentVariables.DynamoDbEndpoint] = relay.Endpoint });
        using var client = app.CreateHttpClient();
        await client.CreateAsync();

        relay.LoseNextAnswerTo("DynamoDB_20120810.TransactWriteItems");
        var secret = await client.CreateAsync();

        Assert.Equal(1, relay.Dropped);
        Assert.DoesNotContain(app.Logs.Entries, e => e.Category.StartsWith("Microsoft.AspNetCore.Diagnostics", StringComparison.Ordinal));
        var revealed = await (await client.RevealAsync(secret.Id, secret.AccessToken)).AssertOkAsync();
        Assert.Equal(secret.Ciphertext, revealed["ciphertext"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_reveal_whose_answer_was_lost_and_retried_still_returns_the_last_view_and_burns()
    {
        await using var relay = new TcpRelay(new Uri(fixture.Endpoint));
        await using var app = fixture.CreateApp(new Dictionary<string, string?> { [EnvironmentVariables.DynamoDbEndpoint] = relay.Endpoint });
        using var client = app.CreateHttpClient();
        var secret = await client.CreateAsync(new() { ["maxViews"] = 1 });

        relay.LoseNextAnswerTo("DynamoDB_20120810.TransactWriteItems");
        var revealed = await (await client.RevealAsync(secret.Id, secret.AccessToken)).AssertOkAsync();

        Assert.Equal(1, relay.Dropped);
        Assert.Equal(secret.Ciphertext, revealed["ciphertext"]!.GetValue<string>());
        Assert.True(revealed["burned"]!.GetValue<bool>());
        Assert.False(await fixture.IsStoredAsync(secret.Id));
    }
}
