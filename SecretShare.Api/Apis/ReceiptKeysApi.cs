using Microsoft.AspNetCore.Http.HttpResults;
using SecretShare.Storage.Audit;

namespace SecretShare.Api.Apis;

/// <summary>
/// <c>GET /api/receipt-keys</c>: the public keys that sign receipts, as a JWK set (RFC 7517). Clients remember them on
/// first use and warn when a later set shares no key with what they saw (docs/spec.md, "Receipts").
/// </summary>
public static class ReceiptKeysApi
{
    public const string ContentType = "application/jwk-set+json";

    public static IEndpointRouteBuilder MapReceiptKeysApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/receipt-keys", GetReceiptKeys)
            .WithTags("Receipts")
            .WithSummary("The public keys (JWK set, ES256) that sign receipts");
        return app;
    }

    public static JsonHttpResult<ReceiptKeySetResponse> GetReceiptKeys(AuditKeyRing keys) =>
        TypedResults.Json(new ReceiptKeySetResponse([.. keys.All.Select(key => ToJwk(key.PublicKey))]), contentType: ContentType);

    public static ReceiptJwk ToJwk(ReceiptKey key) => new("EC", "P-256", key.KeyId, key.X, key.Y, "ES256", "sig");
}

/// <summary>A JWK set of receipt-signing keys.</summary>
public sealed record ReceiptKeySetResponse(IReadOnlyList<ReceiptJwk> Keys);

/// <summary>A public EC P-256 key in JWK form; <paramref name="Kid"/> is the audit key id that receipts name.</summary>
public sealed record ReceiptJwk(string Kty, string Crv, string Kid, string X, string Y, string Alg, string Use);
