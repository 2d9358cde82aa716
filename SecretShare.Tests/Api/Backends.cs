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
