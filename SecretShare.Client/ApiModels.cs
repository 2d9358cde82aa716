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
/// Answer to <c>GET /api/secrets/{id}/status</c>: the creator's status of a secret, which carries its signed receipt
/// (<see cref="Signature"/> over the canonical bytes of docs/spec.md section 7). <see cref="Status"/> is <c>active</c>,
/// <c>burned</c>, <c>deleted</c> or <c>expired</c>.
/// </summary>
public sealed record SecretStatus(
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

/// <summary>Body of <c>POST /api/requests</c> (docs/spec.md section 8). Null properties take the server's defaults.</summary>
public sealed record CreateRequestRequest(string PublicKey, int? ExpiresInSeconds = null, int? MaxAnswers = null, int? AnswerViews = null);

/// <summary>201 answer to <c>POST /api/requests</c>; <see cref="ManageToken"/> opens the inbox.</summary>
public sealed record CreateRequestResponse(string Id, DateTimeOffset ExpiresAt, int MaxAnswers, int AnswerViews, string ManageToken);

/// <summary>Answer to <c>GET /api/requests/{id}</c>: the key to encrypt to (check it against the link) and the payload limit.</summary>
public sealed record RequestInfo(string Id, string PublicKey, DateTimeOffset ExpiresAt, int AnswersRemaining, int MaxPayloadBytes);

/// <summary>Body of <c>POST /api/requests/{id}/answers</c>.</summary>
public sealed record CreateAnswerRequest(string Ciphertext, string AccessToken, string EphemeralKey);

/// <summary>201 answer to an answer: the id of the secret that holds it.</summary>
public sealed record CreateAnswerResponse(string Id, DateTimeOffset ExpiresAt);

/// <summary>Answer to <c>GET /api/requests/{id}/answers</c>: the requester's inbox.</summary>
public sealed record RequestInbox(
    string Id, DateTimeOffset ExpiresAt, int MaxAnswers, int AnswersRemaining, int AnswerViews, IReadOnlyList<InboxAnswer> Answers,
    IReadOnlyList<RequestEvent> Events);

/// <summary>One answer in the inbox; <see cref="Status"/> is <c>active</c>, <c>burned</c>, <c>deleted</c> or <c>expired</c>.</summary>
public sealed record InboxAnswer(string Id, string EphemeralKey, DateTimeOffset AnsweredAt, string Status, int? ViewsRemaining);

/// <summary>One entry of the request's trail: <c>created</c>, <c>answered</c>, <c>viewed</c>, <c>burned</c>, ...</summary>
public sealed record RequestEvent(string Type, DateTimeOffset OccurredAt, string? AnswerId);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CreateSecretRequest))]
[JsonSerializable(typeof(CreateSecretResponse))]
[JsonSerializable(typeof(SecretMetadata))]
[JsonSerializable(typeof(RevealSecretRequest))]
[JsonSerializable(typeof(RevealSecretResponse))]
[JsonSerializable(typeof(ExtendSecretRequest))]
[JsonSerializable(typeof(ServerLimits))]
[JsonSerializable(typeof(SecretStatus))]
[JsonSerializable(typeof(ReceiptKeySet))]
[JsonSerializable(typeof(CreateRequestRequest))]
[JsonSerializable(typeof(CreateRequestResponse))]
[JsonSerializable(typeof(RequestInfo))]
[JsonSerializable(typeof(CreateAnswerRequest))]
[JsonSerializable(typeof(CreateAnswerResponse))]
[JsonSerializable(typeof(RequestInbox))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
