using System.Net;
using SecretShare.Client;
using SecretShare.Storage.Audit;
using SecretShare.Tests.Infrastructure;

namespace SecretShare.Tests.Api;

/// <summary>
/// The keyed audit chain and signed receipts (docs/spec.md, "Receipts"), against the real database: what a database
/// writer without the audit key can do is caught by the service and by the client library's own checks, a lying
/// server is caught by the client, and a key rotation keeps old trails and receipts verifiable. Run against every backend.
/// </summary>
public abstract class ReceiptTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : BackendFixture
{
    protected TFixture Fixture { get; } = fixture;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_receipt_is_signed_by_a_published_key_and_every_record_names_its_audit_key()
    {
        var secret = await Fixture.Client.CreateAsync(new() { ["maxViews"] = 2 });
        await (await Fixture.Client.RevealAsync(secret.Id, secret.AccessToken)).AssertOkAsync();

        var (receipt, keys) = await ReadAsync(Fixture.Client, secret);

        var key = Assert.Single(keys.Keys);
        Assert.Equal(("EC", "P-256", "ES256", "sig", TestAuditKeys.KeyId), (key.Kty, key.Crv, key.Alg, key.Use, key.Kid));
        Assert.True(ReceiptFormat.HasValidSignature(receipt, key));
        Assert.Null(ReceiptFormat.ChainProblem(receipt));
        Assert.All(receipt.Events, e => Assert.Equal(TestAuditKeys.KeyId, e.KeyId));
        Assert.InRange(receipt.IssuedAt, DateTimeOffset.UtcNow.AddMinutes(-2), DateTimeOffset.UtcNow.AddSeconds(1));

        // Any signed field changed after signing: the signature no longer holds.
        Assert.False(ReceiptFormat.HasValidSignature(receipt with { Status = "burned" }, key));
        Assert.False(ReceiptFormat.HasValidSignature(receipt with { Events = [receipt.Events[0]] }, key));
        Assert.False(ReceiptFormat.HasValidSignature(receipt with { Chain = receipt.Chain with { Verified = false } }, key));
    }

    public static TheoryData<string> Tamperings => DatabaseWriter.Tamperings;

    [Theory]
    [MemberData(nameof(Tamperings))]
    public async Task A_database_writer_without_the_key_is_caught_by_the_service_and_the_client(string tampering)
    {
        var secret = await Fixture.Client.CreateAsync(new() { ["maxViews"] = 3 });
        await (await Fixture.Client.RevealAsync(secret.Id, secret.AccessToken)).AssertOkAsync();
        await (await Fixture.Client.RevealAsync(secret.Id, secret.AccessToken)).AssertOkAsync();
        var (before, _) = await ReadAsync(Fixture.Client, secret);
        Assert.True(before.Chain.Verified, before.Chain.Problem);

        await Fixture.RewriteTrailAsync(secret.Id, DatabaseWriter.Rewrite(tampering));

        var (after, keys) = await ReadAsync(Fixture.Client, secret);
        Assert.False(after.Chain.Verified);
        Assert.Contains(tampering == "cut" ? "audit head" : "keyed hash", after.Chain.Problem);
        // The writer's trail links up and the server signs what it read: the client relies on the signed verdict,
        // and, had it seen the trail before, on its memory.
        Assert.True(ReceiptFormat.HasValidSignature(after, Assert.Single(keys.Keys)));
        Assert.StartsWith("the server reports the history broken", ReceiptFormat.ChainProblem(after));
        Assert.NotNull(ReceiptFormat.MemoryProblem(after, ReceiptFormat.Remember(before)));
    }

    [Fact]
    public async Task A_server_that_answers_verified_over_a_broken_trail_is_caught_by_the_client()
    {
        var secret = await Fixture.Client.CreateAsync(new() { ["maxViews"] = 3 });
        await (await Fixture.Client.RevealAsync(secret.Id, secret.AccessToken)).AssertOkAsync();
        await (await Fixture.Client.RevealAsync(secret.Id, secret.AccessToken)).AssertOkAsync();
        var (receipt, keys) = await ReadAsync(Fixture.Client, secret);

        // A server that holds the signing key and lies: it drops a view and still says verified.
        using var signer = new AuditKey(TestAuditKeys.KeyId, Convert.FromBase64String(TestAuditKeys.Key));
        var lie = receipt with { Events = [receipt.Events[0], receipt.Events[2]], Chain = receipt.Chain with { Verified = true, Length = 2 } };
        lie = lie with { Signature = lie.Signature! with { Value = Base64UrlStrict.Encode(signer.Sign(ReceiptFormat.CanonicalBytes(lie))) } };

        Assert.True(ReceiptFormat.HasValidSignature(lie, Assert.Single(keys.Keys)));
        Assert.Equal("event 2 is missing (found event 3 in its place)", ReceiptFormat.ChainProblem(lie));
    }

    [Fact]
    public async Task After_a_key_rotation_old_trails_and_receipts_still_verify()
    {
        var newKey = Convert.ToBase64String(Enumerable.Range(100, 32).Select(i => (byte)i).ToArray());
        var secret = await Fixture.Client.CreateAsync(new() { ["maxViews"] = 3 });
        await (await Fixture.Client.RevealAsync(secret.Id, secret.AccessToken)).AssertOkAsync();
        var (old, oldKeys) = await ReadAsync(Fixture.Client, secret);

        // The new key is current; the old one stays listed for the trails recorded under it.
        var rotated = new Dictionary<string, string?>
        {
            ["SecretShare:Audit:CurrentKeyId"] = "next",
            ["SecretShare:Audit:Keys:next"] = newKey,
        };
        await using var app = Fixture.CreateApp(rotated);
        using var client = app.CreateHttpClient();
        await (await client.RevealAsync(secret.Id, secret.AccessToken)).AssertOkAsync();
        var (receipt, keys) = await ReadAsync(client, secret);

        Assert.True(receipt.Chain.Verified, receipt.Chain.Problem);
        Assert.Equal([TestAuditKeys.KeyId, TestAuditKeys.KeyId, "next"], receipt.Events.Select(e => e.KeyId));
        Assert.Equal("next", receipt.Signature!.KeyId);
        Assert.True(ReceiptFormat.HasValidSignature(receipt, keys.Keys.Single(k => k.Kid == "next")));
        Assert.True(ReceiptFormat.HasValidSignature(old, keys.Keys.Single(k => k.Kid == TestAuditKeys.KeyId)));
        // A device that saw the old set accepts the announced new one: it still holds the key it knew.
        Assert.Null(ReceiptFormat.CheckKeySet(ReceiptFormat.CheckKeySet(new Dictionary<string, string>(), oldKeys).Keys, keys).Problem);
        Assert.Null(ReceiptFormat.MemoryProblem(receipt, ReceiptFormat.Remember(old)));

        // Dropping the old key is dropping the proof for what it keyed, and a set without it is an unannounced change.
        await using var dropped = Fixture.CreateApp(new Dictionary<string, string?>(rotated) { [$"SecretShare:Audit:Keys:{TestAuditKeys.KeyId}"] = null });
        using var droppedClient = dropped.CreateHttpClient();
        var (orphaned, droppedKeys) = await ReadAsync(droppedClient, secret);
        Assert.False(orphaned.Chain.Verified);
        Assert.Contains($"audit key '{TestAuditKeys.KeyId}', which is not configured", orphaned.Chain.Problem);
        Assert.NotNull(ReceiptFormat.CheckKeySet(ReceiptFormat.CheckKeySet(new Dictionary<string, string>(), oldKeys).Keys, droppedKeys).Problem);
    }

    [Fact]
    public async Task The_key_set_is_public_and_not_cached_by_intermediaries()
    {
        using var response = await Fixture.Client.GetAsync("api/receipt-keys", Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/jwk-set+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString());
    }

    private static async Task<(SecretStatus Receipt, ReceiptKeySet Keys)> ReadAsync(HttpClient http, CreatedSecret secret)
    {
        var client = new SecretShareClient(http);
        return (await client.GetStatusAsync(secret.Id, secret.ManageToken, Token), await client.GetReceiptKeysAsync(Token));
    }
}
