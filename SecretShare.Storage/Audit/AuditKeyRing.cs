using System.Buffers.Text;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SecretShare.Storage.Audit;

/// <summary>
/// One configured audit key. Two keys are derived from its 32 bytes with HKDF-SHA256, so that one secret is all an
/// operator has to keep: the chain key, which keys each secret's events (HMAC-SHA256 under a per-secret key, so the
/// database never sees the service key), and an ECDSA P-256 key that signs receipts, whose public half is served as a
/// JWK. The derivations are part of the contract (docs/spec.md, "Receipts"): the same bytes give the same keys.
/// </summary>
public sealed class AuditKey : IDisposable
{
    private static readonly byte[] ChainInfo = "secretshare audit chain key v1"u8.ToArray();
    private static readonly byte[] SigningInfo = "secretshare receipt signing key v1"u8.ToArray();

    // The order of P-256's base point (FIPS 186-4 D.1.2.3).
    private static readonly BigInteger Order = BigInteger.Parse("0FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", System.Globalization.NumberStyles.HexNumber);

    private readonly byte[] chainKey;
    private readonly ECDsa signer;

    public AuditKey(string id, ReadOnlySpan<byte> secret)
    {
        Id = id;
        chainKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, secret.ToArray(), 32, salt: [], info: ChainInfo);

        // FIPS 186-4 B.4.1: 64 extra bits make the reduction's bias negligible; d lies in [1, n-1].
        var extra = HKDF.DeriveKey(HashAlgorithmName.SHA256, secret.ToArray(), 40, salt: [], info: SigningInfo);
        var d = BigInteger.Remainder(new BigInteger(extra, isUnsigned: true, isBigEndian: true), Order - 1) + 1;
        var scalar = new byte[32];
        d.TryWriteBytes(scalar.AsSpan(32 - d.GetByteCount(isUnsigned: true)), out _, isUnsigned: true, isBigEndian: true);
        signer = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = scalar });
        CryptographicOperations.ZeroMemory(scalar);

        var point = signer.ExportParameters(includePrivateParameters: false).Q;
        PublicKey = new ReceiptKey(id, Base64Url.EncodeToString(point.X), Base64Url.EncodeToString(point.Y));
    }

    public string Id { get; }

    /// <summary>The public half of the signing key.</summary>
    public ReceiptKey PublicKey { get; }

    /// <summary>The key of one secret's chain: HMAC-SHA256(chain key, UTF-8(secret id)). Only this reaches the database.</summary>
    public byte[] ChainKeyFor(string secretId) => HMACSHA256.HashData(chainKey, Encoding.UTF8.GetBytes(secretId));

    /// <summary>ECDSA P-256 with SHA-256, as r || s (64 bytes), the form WebCrypto verifies.</summary>
    public byte[] Sign(byte[] data) => signer.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(chainKey);
        signer.Dispose();
    }
}

/// <summary>A public receipt-signing key as the JWK fields it is served with (RFC 7517, 7518): EC, P-256, ES256.</summary>
public sealed record ReceiptKey(string KeyId, string X, string Y)
{
    /// <summary>The RFC 7638 thumbprint: base64url SHA-256 of the required members in lexicographic order.</summary>
    public string Thumbprint => Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes($$"""{"crv":"P-256","kty":"EC","x":"{{X}}","y":"{{Y}}"}""")));
}

/// <summary>The configured audit keys: the current one for new events and receipts, all of them for verifying.</summary>
public sealed partial class AuditKeyRing : IDisposable
{
    private readonly Dictionary<string, AuditKey> keys;

    public AuditKeyRing(IOptions<AuditOptions> options, ILogger<AuditKeyRing> logger)
    {
        var configured = options.Value;
        if (configured.Keys.Count == 0)
        {
            // Allowed outside Production only (AuditOptions.Validator): trails and receipts of this run stop
            // verifying once it ends.
            var id = "temp-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
            keys = new() { [id] = new AuditKey(id, RandomNumberGenerator.GetBytes(AuditOptions.KeyBytes)) };
            Current = keys[id];
            LogTemporaryKey(logger, id);
            return;
        }

        keys = configured.Keys.ToDictionary(pair => pair.Key, pair => new AuditKey(pair.Key, AuditOptions.Decode(pair.Value)!), StringComparer.Ordinal);
        Current = keys[configured.CurrentKeyId!];
    }

    /// <summary>The key for new events and receipt signatures.</summary>
    public AuditKey Current { get; }

    public IEnumerable<AuditKey> All => keys.Values;

    /// <summary>The key with this id, or <c>null</c> when it is not (or no longer) configured.</summary>
    public AuditKey? Find(string? keyId) => keyId is not null && keys.TryGetValue(keyId, out var key) ? key : null;

    public void Dispose()
    {
        foreach (var key in keys.Values)
        {
            key.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No audit key is configured: using the temporary key {KeyId}; trails and receipts of this run will not verify after it ends (set SecretShare:Audit:Keys, see deploy/README.md)")]
    private static partial void LogTemporaryKey(ILogger logger, string keyId);
}
