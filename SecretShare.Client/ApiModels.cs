using System.Text.Json;
using System.Text.Json.Serialization;

namespace SecretShare.Client;

// Wire records of SPEC section 2. Binary values are unpadded base64url strings; times are ISO 8601.

/// <summary>Body of <c>POST /api/secrets</c>. Null properties are omitted, so the server applies its defaults.</summary>
public sealed record CreateSecretRequest(
    string Ciphertext,
    string AccessToken,
    int? ExpiresInSeconds = null,
    ViewLimit? MaxViews = null,
    bool? Extendable = null,
    bool? PassphraseProtected = null);

/// <summary>201 answer to <c>POST /api/secrets</c>. <see cref="MaxViews"/> null means unlimited.</summary>
public sealed record CreateSecretResponse(
    string Id,
    DateTimeOffset ExpiresAt,
    int? MaxViews,
    bool Extendable,
    bool PassphraseProtected,
    string ManageToken);

/// <summary>Answer to <c>GET /api/secrets/{id}</c> and <c>POST /api/secrets/{id}/extend</c>.</summary>
public sealed record SecretMetadata(
    string Id,
    DateTimeOffset ExpiresAt,
    int? MaxViews,
    int? ViewsRemaining,
    bool PassphraseProtected,
    bool Extendable);

/// <summary>Body of <c>POST /api/secrets/{id}/reveal</c>.</summary>
public sealed record RevealSecretRequest(string AccessToken);

/// <summary>Answer to a reveal. <see cref="Burned"/> is true when this call took the last view.</summary>
public sealed record RevealSecretResponse(
    string Ciphertext,
    int? ViewsRemaining,
    DateTimeOffset ExpiresAt,
    bool Burned);

/// <summary>Body of <c>POST /api/secrets/{id}/extend</c>.</summary>
public sealed record ExtendSecretRequest(string AccessToken, int? AddSeconds = null, int? AddViews = null);

/// <summary>Answer to <c>GET /api/limits</c>: the largest decoded ciphertext (envelope + 29 bytes) the server accepts.</summary>
public sealed record ServerLimits(int MaxPayloadBytes);

/// <summary>
/// Answer to <c>GET /api/secrets/{id}/events</c>: the creator's receipt. <see cref="Status"/> is <c>active</c>,
/// <c>burned</c>, <c>deleted</c> or <c>expired</c>.
/// </summary>
public sealed record SecretEvents(
    string Id,
    string Status,
    DateTimeOffset ExpiresAt,
    int? ViewsRemaining,
    IReadOnlyList<SecretEvent> Events,
    ChainVerdict Chain,
    DateTimeOffset IssuedAt = default,
    ReceiptSignature? Signature = null);

/// <summary>
/// One recorded state change of a secret; <see cref="Hash"/> is its link in the chain, <see cref="PrevHash"/> the link
/// before it, <see cref="KeyId"/> the audit key that keyed it (docs/spec.md, "Receipts").
/// </summary>
public sealed record SecretEvent(
    int Seq, string Type, DateTimeOffset OccurredAt, int? ViewsRemaining, string? Detail, string Hash, string PrevHash = "", string? KeyId = null);

/// <summary>The server's ECDSA P-256 signature (<c>ES256</c>, r || s in base64url) over the receipt's canonical bytes.</summary>
public sealed record ReceiptSignature(string Alg, string KeyId, string Value);

/// <summary>Answer to <c>GET /api/receipt-keys</c>: the public keys that sign receipts, as a JWK set (RFC 7517).</summary>
public sealed record ReceiptKeySet(IReadOnlyList<ReceiptPublicKey> Keys);

/// <summary>One public key of the set: <c>kty</c> EC, <c>crv</c> P-256, <c>alg</c> ES256, <c>use</c> sig.</summary>
public sealed record ReceiptPublicKey(string Kty, string Crv, string Kid, string X, string Y, string Alg, string Use);

/// <summary>The server's verification of the event chain; <see cref="Problem"/> names the first broken link.</summary>
public sealed record ChainVerdict(bool Verified, int Length, string HeadHash, string? Problem);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CreateSecretRequest))]
[JsonSerializable(typeof(CreateSecretResponse))]
[JsonSerializable(typeof(SecretMetadata))]
[JsonSerializable(typeof(RevealSecretRequest))]
[JsonSerializable(typeof(RevealSecretResponse))]
[JsonSerializable(typeof(ExtendSecretRequest))]
[JsonSerializable(typeof(ServerLimits))]
[JsonSerializable(typeof(SecretEvents))]
[JsonSerializable(typeof(ReceiptKeySet))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
