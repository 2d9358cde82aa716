namespace SecretShare.Client;

/// <summary>The two keys derived from the link key and the optional passphrase.</summary>
/// <param name="EncryptionKey">EK: the AES-256-GCM key. Never leaves the client.</param>
/// <param name="AccessToken">AT: proves knowledge of the link (and passphrase) to the server.</param>
public sealed record DerivedKeys(byte[] EncryptionKey, byte[] AccessToken)
{
    /// <summary>AT as sent in JSON (base64url, no padding).</summary>
    public string AccessTokenText => Base64UrlStrict.Encode(AccessToken);
}

/// <summary>Everything produced by encrypting a secret: what goes into the link and what goes to the server.</summary>
/// <param name="LinkKey">K: 32 bytes, travels only in the link fragment.</param>
/// <param name="AccessToken">AT, sent to the server on creation.</param>
/// <param name="Payload">0x01 || IV || ciphertext || tag.</param>
public sealed record SealedSecret(byte[] LinkKey, byte[] AccessToken, byte[] Payload)
{
    public string LinkKeyText => Base64UrlStrict.Encode(LinkKey);

    public string AccessTokenText => Base64UrlStrict.Encode(AccessToken);

    /// <summary>The payload as the <c>ciphertext</c> field of <c>POST /api/secrets</c>.</summary>
    public string CiphertextText => Base64UrlStrict.Encode(Payload);
}
