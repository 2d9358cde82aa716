using System.Globalization;
using SecretShare.Tests.Infrastructure;

namespace SecretShare.Tests.Api;

// One concrete class per backend runs the shared suites; filter with --filter "Backend=Postgres" or "Backend=DynamoDb".

[Trait("Backend", "Postgres")]
public sealed class PostgresSecretsApiTests(PostgresFixture fixture) : SecretsApiTests<PostgresFixture>(fixture);

[Trait("Backend", "DynamoDb")]
public sealed class DynamoDbSecretsApiTests(DynamoDbFixture fixture) : SecretsApiTests<DynamoDbFixture>(fixture);

[Trait("Backend", "Postgres")]
public sealed class PostgresConcurrencyTests(PostgresFixture fixture) : ConcurrencyTests<PostgresFixture>(fixture);

[Trait("Backend", "DynamoDb")]
public sealed class DynamoDbConcurrencyTests(DynamoDbFixture fixture) : ConcurrencyTests<DynamoDbFixture>(fixture);

[Trait("Backend", "Postgres")]
public sealed class PostgresStatusTests(PostgresFixture fixture) : StatusTests<PostgresFixture>(fixture)
{
    // The cleanup worker deletes trails whose retention ended; run one pass once this one's has.
    protected override async Task RemoveTrailsPastRetentionAsync(string id)
    {
        await Task.Delay(TimeSpan.FromSeconds(2.2), TestContext.Current.CancellationToken);
        await using var cleanup = ServiceProcess.Start("SecretShare.Cleanup", new Dictionary<string, string?>
        {
            [SecretShare.Storage.Configuration.EnvironmentVariables.DatabaseUrl] = Fixture.DatabaseUrl,
        }, "--once");
        Assert.Equal(0, await cleanup.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("audit trails past their retention", cleanup.Output);
    }
}

[Trait("Backend", "DynamoDb")]
public sealed class DynamoDbStatusTests(PrivateDynamoDbFixture fixture) : StatusTests<PrivateDynamoDbFixture>(fixture)
{
    // DynamoDB Local's TTL really deletes expired items, within seconds on a server of its own (docs/design.md, "Events").
    protected override Task RemoveTrailsPastRetentionAsync(string id) => ExternalProcess.WaitUntilAsync(
        async () => await Fixture.CountAuditItemsAsync(id) == 0, TimeSpan.FromSeconds(120), "TTL to delete the audit trail");

    [Fact]
    public async Task An_extension_rewrites_no_earlier_event_however_long_the_trail()
    {
        var secret = await Fixture.Client.CreateAsync(new() { ["maxViews"] = null, ["extendable"] = true, ["expiresInSeconds"] = 3600 });
        for (var i = 0; i < 30; i++)
        {
            await (await Fixture.Client.RevealAsync(secret.Id, secret.AccessToken)).AssertOkAsync();
        }

        var before = await EventTtlsAsync(secret.Id);
        var extended = await (await Fixture.Client.ExtendAsync(secret.Id, secret.AccessToken, addSeconds: 7200)).AssertOkAsync();
        var after = await EventTtlsAsync(secret.Id);

        // The extension added one event and changed no earlier one: one transaction, whatever the trail holds.
        Assert.Equal(before.Count + 1, after.Count);
        Assert.All(before, e => Assert.Equal(e.Value, after[e.Key]));

        // Every event is kept at least as long as the head will be: the secret's new end plus the retention.
        var newEnd = extended["expiresAt"]!.GetValue<DateTimeOffset>().AddDays(7).ToUnixTimeSeconds();
        Assert.All(after.Values, ttl => Assert.True(ttl >= newEnd, $"event TTL {ttl} before the head's {newEnd}"));
    }

    private async Task<Dictionary<int, long>> EventTtlsAsync(string id) =>
        (await Fixture.ReadAuditItemsAsync(id))
            .Where(item => item["seq"].N != "0")
            .ToDictionary(item => int.Parse(item["seq"].N, CultureInfo.InvariantCulture), item => long.Parse(item["retain_until"].N, CultureInfo.InvariantCulture));
}

[Trait("Backend", "Postgres")]
public sealed class PostgresReceiptTests(PostgresFixture fixture) : ReceiptTests<PostgresFixture>(fixture);

[Trait("Backend", "DynamoDb")]
public sealed class DynamoDbReceiptTests(DynamoDbFixture fixture) : ReceiptTests<DynamoDbFixture>(fixture);

[Trait("Backend", "Postgres")]
public sealed class PostgresRequestsApiTests(PostgresFixture fixture) : RequestsApiTests<PostgresFixture>(fixture)
{
    // One pass of the cleanup worker, as cron would run it.
    protected override async Task RemoveExpiredAsync(string requestId, string answerId)
    {
        await using var cleanup = ServiceProcess.Start("SecretShare.Cleanup", new Dictionary<string, string?>
        {
            [SecretShare.Storage.Configuration.EnvironmentVariables.DatabaseUrl] = Fixture.DatabaseUrl,
        }, "--once");
        Assert.Equal(0, await cleanup.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("expired requests", cleanup.Output);
    }
}

[Trait("Backend", "DynamoDb")]
public sealed class DynamoDbRequestsApiTests(PrivateDynamoDbFixture fixture) : RequestsApiTests<PrivateDynamoDbFixture>(fixture)
{
    // DynamoDB Local's TTL really deletes expired items, within seconds on a server of its own.
    protected override Task RemoveExpiredAsync(string requestId, string answerId) => ExternalProcess.WaitUntilAsync(
        async () => !await Fixture.IsRequestStoredAsync(requestId) && !await Fixture.IsStoredAsync(answerId),
        TimeSpan.FromSeconds(120), "TTL to delete the request and its answer");
}
