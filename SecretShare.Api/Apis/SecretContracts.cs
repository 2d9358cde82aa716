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
