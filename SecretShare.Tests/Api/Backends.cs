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
public sealed class PostgresEventsTests(PostgresFixture fixture) : EventsTests<PostgresFixture>(fixture)
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
public sealed class DynamoDbEventsTests(PrivateDynamoDbFixture fixture) : EventsTests<PrivateDynamoDbFixture>(fixture)
{
    // DynamoDB Local's TTL really deletes expired items, within seconds on a server of its own (4-18 s measured alone).
    protected override Task RemoveTrailsPastRetentionAsync(string id) => ExternalProcess.WaitUntilAsync(
        async () => await Fixture.CountAuditItemsAsync(id) == 0, TimeSpan.FromSeconds(120), "TTL to delete the audit trail");
}

[Trait("Backend", "Postgres")]
public sealed class PostgresReceiptTests(PostgresFixture fixture) : ReceiptTests<PostgresFixture>(fixture);

[Trait("Backend", "DynamoDb")]
public sealed class DynamoDbReceiptTests(DynamoDbFixture fixture) : ReceiptTests<DynamoDbFixture>(fixture);
