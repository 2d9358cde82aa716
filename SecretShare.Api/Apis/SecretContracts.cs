using SecretShare.Api.Infrastructure;

namespace SecretShare.Api.Apis;

/// <summary>Body of <c>POST /api/secrets</c>. Binary values are base64url without padding.</summary>
/// <param name="Ciphertext">The protocol v1 payload: 0x01 || IV || AES-256-GCM ciphertext and tag.</param>
/// <param name="AccessToken">HKDF-derived access token, exactly 32 bytes; the server keeps only its SHA-256.</param>
/// <param name="ExpiresInSeconds">Lifetime; the configured default when absent.</param>
/// <param name="MaxViews">Views before the secret burns; absent means the default, <c>null</c> means unlimited until expiry.</param>
public sealed record CreateSecretRequest(
    string? Ciphertext,
    string? AccessToken,
    int? ExpiresInSeconds,
    Optional<int?> MaxViews,
    bool? Extendable,
    bool? PassphraseProtected);

/// <summary>Answer to a creation. <paramref name="ManageToken"/> is shown once and lets the creator delete the secret.</summary>
public sealed record CreateSecretResponse(
    string Id, DateTimeOffset ExpiresAt, int? MaxViews, bool Extendable, bool PassphraseProtected, string ManageToken);

/// <summary>What anyone with the link may know before revealing. <c>null</c> views mean unlimited.</summary>
public sealed record SecretMetadataResponse(
    string Id, DateTimeOffset ExpiresAt, int? MaxViews, int? ViewsRemaining, bool PassphraseProtected, bool Extendable);

public sealed record RevealSecretRequest(string? AccessToken);

/// <summary>The payload of one view. <paramref name="Burned"/> means it was the last one and the secret is gone.</summary>
public sealed record RevealSecretResponse(string Ciphertext, int? ViewsRemaining, DateTimeOffset ExpiresAt, bool Burned);

/// <summary>Body of an extension: at least one of <paramref name="AddSeconds"/> and <paramref name="AddViews"/>.</summary>
public sealed record ExtendSecretRequest(string? AccessToken, int? AddSeconds, int? AddViews);

/// <summary>
/// The creator's status of a secret, which carries its signed receipt: the secret's state, a page of its recorded events and whether their chain verifies
/// (the whole chain, whatever the page), signed when it is read (<paramref name="Signature"/> over the canonical bytes
/// of docs/spec.md section 7, at <paramref name="IssuedAt"/>; a page's signature covers that page). <paramref name="Status"/> is <c>active</c>, <c>burned</c>, <c>deleted</c> or
/// <c>expired</c>; <paramref name="ViewsRemaining"/> is <c>null</c> for an unlimited secret. <paramref name="Next"/> is the
/// <c>after</c> of the next page, <c>null</c> on the last. <paramref name="Folded"/> counts the events a full trail has not
/// appended yet (<c>null</c> when none); the terminal event's <c>folded</c> event will record them.
/// </summary>
public sealed record SecretStatusResponse(
    string Id, string Status, DateTimeOffset ExpiresAt, int? ViewsRemaining, IReadOnlyList<SecretEventResponse> Events, ChainVerdictResponse Chain,
    int? Next, FoldedEventsResponse? Folded, DateTimeOffset IssuedAt, ReceiptSignatureResponse? Signature);

/// <summary>Events counted on the head of a full trail instead of appended, by type.</summary>
public sealed record FoldedEventsResponse(int Viewed, int Extended, int FailedAttempts);

/// <summary>
/// One recorded state change. <paramref name="Hash"/> is its chain link (base64url), <paramref name="PrevHash"/> the link
/// before it, <paramref name="KeyId"/> the audit key it was keyed with; see docs/design.md.
/// </summary>
public sealed record SecretEventResponse(
    int Seq, string Type, DateTimeOffset OccurredAt, int? ViewsRemaining, string? Detail, string Hash, string PrevHash, string? KeyId);

/// <summary>An ES256 signature (r || s, base64url) by the receipt key <paramref name="KeyId"/> of <c>GET /api/receipt-keys</c>.</summary>
public sealed record ReceiptSignatureResponse(string Alg, string KeyId, string Value);

/// <summary>Whether the chain verified; <paramref name="Problem"/> names the first broken link when it did not.</summary>
public sealed record ChainVerdictResponse(bool Verified, int Length, string HeadHash, string? Problem);
