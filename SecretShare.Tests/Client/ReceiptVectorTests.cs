using System.Security.Cryptography;
using System.Text.Json;
using SecretShare.Client;
using SecretShare.Storage.Audit;
using SecretShare.Storage.Secrets;

namespace SecretShare.Tests.Client;

/// <summary>
/// The receipt test vector of docs/spec.md ("Receipts"), pinned for .NET; SecretShare.Tests/js/receipt.test.mjs pins
/// the same vector for the web page. Key: bytes 0x00..0x1f under the id <c>test-2026</c>.
/// </summary>
[Trait("Tier", "Unit")]
public sealed class ReceiptVectorTests
{
    public const string ReceiptJson = """{"id":"AAECAwQFBgcICQoLDA0ODw","status":"burned","expiresAt":"2026-12-02T12:00:00+00:00","viewsRemaining":null,"events":[{"seq":1,"type":"created","occurredAt":"2026-12-01T12:00:00+00:00","viewsRemaining":1,"detail":null,"keyId":"test-2026","prevHash":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","hash":"19cMqqXQpQuRbYZvT9VQAppqIlwSCJRfXRP6BukbSnc"},{"seq":2,"type":"viewed","occurredAt":"2026-12-01T12:01:00+00:00","viewsRemaining":0,"detail":null,"keyId":"test-2026","prevHash":"19cMqqXQpQuRbYZvT9VQAppqIlwSCJRfXRP6BukbSnc","hash":"dj-pMutUb-pXjT_16y3Lrll9DrlN08SSnq_cEAzdcE4"},{"seq":3,"type":"burned","occurredAt":"2026-12-01T12:01:00+00:00","viewsRemaining":0,"detail":"last_view","keyId":"test-2026","prevHash":"dj-pMutUb-pXjT_16y3Lrll9DrlN08SSnq_cEAzdcE4","hash":"TeOUQAbuv7VUorb4sZLU_dhvihE9z42nYE8mbByemu8"}],"chain":{"verified":true,"length":3,"headHash":"TeOUQAbuv7VUorb4sZLU_dhvihE9z42nYE8mbByemu8","problem":null},"issuedAt":"2026-12-01T12:05:00+00:00","signature":{"alg":"ES256","keyId":"test-2026","value":"_q3DCokk6vOv8q94-kic3rh4z124VzcWsxEXavo6lxtojUuAlNtiq24V3XC6hU0g5m5w81TKTbad-LnXizrZsg"}}""";

    private static readonly ReceiptPublicKey Jwk = new(
        "EC", "P-256", "test-2026", "b6t4iZxVrQR2RiAVnB6vJKh2ua4JSTNga_SrhC1qb9s", "WVZReOl6x53JXgIAqridrPP-Twu5hJ_NDIWmhxMfgGQ", "ES256", "sig");

    private static AuditKey Key() => new("test-2026", [.. Enumerable.Range(0, 32).Select(i => (byte)i)]);

    [Fact]
    public void The_audit_key_derives_the_published_signing_key_and_the_chain_key()
    {
        using var key = Key();

        Assert.Equal((Jwk.X, Jwk.Y), (key.PublicKey.X, key.PublicKey.Y));
        Assert.Equal("53UkqyYcNkacqlVXRuxUBj22MoiMvyZxgnfyqQjMIuI", key.PublicKey.Thumbprint);
        Assert.Equal(key.PublicKey.Thumbprint, ReceiptFormat.Thumbprint(Jwk));
        Assert.Equal("fQN7ym8ijsb8p0WiHWs5HAJhcBrkTAU61zIqGA8SFBI", Base64UrlStrict.Encode(key.ChainKeyFor("AAECAwQFBgcICQoLDA0ODw")));
    }

    [Fact]
    public void The_vector_trail_is_the_keyed_chain_and_its_head_mac()
    {
        using var key = Key();
        var id = "AAECAwQFBgcICQoLDA0ODw";
        var t0 = DateTimeOffset.Parse("2026-12-01T12:00:00+00:00", System.Globalization.CultureInfo.InvariantCulture);

        var created = EventChain.Next(key, id, (0, EventChain.Genesis), "created", t0, 1);
        var viewed = EventChain.Next(key, id, (1, created.Hash), "viewed", t0.AddSeconds(60), 0);
        var burned = EventChain.Next(key, id, (2, viewed.Hash), "burned", t0.AddSeconds(60), 0, "last_view");

        Assert.Equal(
            ["19cMqqXQpQuRbYZvT9VQAppqIlwSCJRfXRP6BukbSnc", "dj-pMutUb-pXjT_16y3Lrll9DrlN08SSnq_cEAzdcE4", "TeOUQAbuv7VUorb4sZLU_dhvihE9z42nYE8mbByemu8"],
            new[] { created, viewed, burned }.Select(e => Base64UrlStrict.Encode(e.Hash)));
        Assert.Equal(
            "GCECHeOhiNqkTe5NnUESGHw3uccb2yrhmkEN0Lc9aSU",
            Base64UrlStrict.Encode(EventChain.ComputeHeadMac(key, id, 3, burned.Hash, closed: true, t0.AddDays(1), FoldedEvents.None)));
    }

    [Fact]
    public void The_vector_receipt_has_the_documented_canonical_bytes_and_a_valid_signature()
    {
        var receipt = JsonSerializer.Deserialize<SecretStatus>(ReceiptJson, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;

        Assert.Equal("Ct02QAw_uhQOdb7e3rXtDFz8H33AiSHUUwRyt66ZUBI", Base64UrlStrict.Encode(SHA256.HashData(ReceiptFormat.CanonicalBytes(receipt))));
        Assert.True(ReceiptFormat.HasValidSignature(receipt, Jwk));
        Assert.Null(ReceiptFormat.ChainProblem(receipt));
        Assert.False(ReceiptFormat.HasValidSignature(receipt with { IssuedAt = receipt.IssuedAt.AddSeconds(1) }, Jwk));
        Assert.False(ReceiptFormat.HasValidSignature(receipt, Jwk with { Kid = "other" }));
    }

    [Theory]
    [InlineData("abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVW", true)] // what the AppHost's generated parameter looks like
    [InlineData("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", true)]
    [InlineData("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8", true)]
    [InlineData("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg", false)] // 31 bytes
    [InlineData("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g", false)] // 33 bytes
    [InlineData("not base64 at all!", false)]
    [InlineData("", false)]
    public void An_audit_key_is_exactly_32_bytes_of_base64(string value, bool valid) =>
        Assert.Equal(valid, AuditOptions.Decode(value) is { Length: 32 });
}
