using System.Security.Cryptography;
using System.Text;

namespace SecretShare.Client;

/// <summary>
/// The request protocol (docs/spec.md section 8), byte for byte the same as the web client
/// (wwwroot/js/request-protocol.js). A requester holds an ECDH P-256 key pair (d, Q); each answer is encrypted to Q
/// under a fresh ephemeral key pair (e, E):
/// <code>
/// Z  = ECDH(e, Q) = ECDH(d, E)   (the 32-byte x-coordinate)
/// EK = HKDF-SHA256(ikm = Z, salt = E || Q, info = "secretshare request v1 encrypt " || id, 32)
/// AT = HKDF-SHA256(ikm = Z, salt = E || Q, info = "secretshare request v1 access " || id, 32)
/// payload = 0x01 || IV(12) || AES-256-GCM(EK, IV, envelope, aad = "secretshare request v1 " || id) || tag(16)
/// </code>
/// The labels differ from the secret protocol's, so no key or payload of one is valid in the other; the request id in
/// every label binds an answer to its request. Keys travel as bytes: a public key raw uncompressed (0x04 || X || Y,
/// 65 bytes), a private key as d || X || Y (96 bytes).
/// </summary>
public static class RequestProtocol
{
    public const int PublicKeySize = 65;
    public const int PrivateKeySize = 96;

    private const string EncryptInfo = "secretshare request v1 encrypt ";
    private const string AccessInfo = "secretshare request v1 access ";
    private const string AadPrefix = "secretshare request v1 ";

    /// <summary>A fresh key pair: d || X || Y.</summary>
    public static byte[] GenerateKeyPair()
    {
        using var ecdh = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var parameters = ecdh.ExportParameters(includePrivateParameters: true);
        return [.. parameters.D!, .. parameters.Q.X!, .. parameters.Q.Y!];
    }

    /// <summary>The public half of a private key (d || X || Y): 0x04 || X || Y.</summary>
    public static byte[] PublicKeyOf(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != PrivateKeySize)
        {
            throw new ArgumentException($"A private key is {PrivateKeySize} bytes (d, X, Y).", nameof(privateKey));
        }

        return [0x04, .. privateKey[32..]];
    }

    /// <summary>base64url(SHA-256(Q)): what the fill-in link's fragment carries.</summary>
    public static string Fingerprint(ReadOnlySpan<byte> publicKey) => Base64UrlStrict.Encode(SHA256.HashData(publicKey));

    /// <summary>
    /// The sender's side: refuses a public key that does not match the fill-in link's fingerprint (the server or the
    /// network swapped it), then seals the envelope under a fresh ephemeral key and IV.
    /// </summary>
    /// <exception cref="RequestKeyMismatchException">The public key is not the one the link names.</exception>
    public static SealedAnswer Seal(string requestId, ReadOnlySpan<byte> requesterPublicKey, string expectedFingerprint, SecretEnvelope envelope) =>
        Seal(requestId, requesterPublicKey, expectedFingerprint, envelope, GenerateKeyPair(), RandomNumberGenerator.GetBytes(SecretProtocol.IvSize));

    /// <summary>As above with a given ephemeral key and IV: for test vectors only.</summary>
    public static SealedAnswer Seal(
        string requestId, ReadOnlySpan<byte> requesterPublicKey, string expectedFingerprint, SecretEnvelope envelope, ReadOnlySpan<byte> ephemeralPrivateKey,
        ReadOnlySpan<byte> iv)
    {
        if (requesterPublicKey.Length != PublicKeySize
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Fingerprint(requesterPublicKey)), Encoding.ASCII.GetBytes(expectedFingerprint)))
        {
            throw new RequestKeyMismatchException();
        }

        var senderPublicKey = PublicKeyOf(ephemeralPrivateKey);
        var keys = DeriveKeys(requestId, ephemeralPrivateKey, requesterPublicKey, senderPublicKey, requesterPublicKey);
        try
        {
            var payload = SecretProtocol.EncryptPayload(keys.EncryptionKey, SecretProtocol.EncodeEnvelope(envelope), iv, Aad(requestId));
            return new SealedAnswer(keys.AccessToken, senderPublicKey, payload);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keys.EncryptionKey);
        }
    }

    /// <summary>The requester's side: EK and AT of one answer, from the private key and the answer's ephemeral public key.</summary>
    public static DerivedKeys AnswerKeys(string requestId, ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> senderPublicKey) =>
        DeriveKeys(requestId, privateKey, senderPublicKey, senderPublicKey, PublicKeyOf(privateKey));

    /// <exception cref="SecretDecryptionException">Wrong key, another request's answer, or tampered data.</exception>
    public static SecretEnvelope Open(string requestId, ReadOnlySpan<byte> payload, DerivedKeys keys) =>
        SecretProtocol.DecodeEnvelope(SecretProtocol.DecryptPayload(keys.EncryptionKey, payload, Aad(requestId)));

    private static byte[] Aad(string requestId) => Encoding.UTF8.GetBytes(AadPrefix + requestId);

    private static DerivedKeys DeriveKeys(
        string requestId, ReadOnlySpan<byte> ownPrivateKey, ReadOnlySpan<byte> otherPublicKey, ReadOnlySpan<byte> senderPublicKey,
        ReadOnlySpan<byte> requesterPublicKey)
    {
        if (otherPublicKey.Length != PublicKeySize || otherPublicKey[0] != 0x04)
        {
            throw new ArgumentException($"A public key is {PublicKeySize} bytes, 0x04 || X || Y.", nameof(otherPublicKey));
        }

        using var own = ECDiffieHellman.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            D = ownPrivateKey[..32].ToArray(),
            Q = new ECPoint { X = ownPrivateKey[32..64].ToArray(), Y = ownPrivateKey[64..].ToArray() },
        });
        using var other = ECDiffieHellman.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = otherPublicKey[1..33].ToArray(), Y = otherPublicKey[33..].ToArray() },
        });
        var z = own.DeriveRawSecretAgreement(other.PublicKey);
        byte[] salt = [.. senderPublicKey, .. requesterPublicKey];
        try
        {
            var encryptionKey = new byte[SecretProtocol.KeySize];
            var accessToken = new byte[SecretProtocol.KeySize];
            HKDF.DeriveKey(HashAlgorithmName.SHA256, z, encryptionKey, salt, Encoding.UTF8.GetBytes(EncryptInfo + requestId));
            HKDF.DeriveKey(HashAlgorithmName.SHA256, z, accessToken, salt, Encoding.UTF8.GetBytes(AccessInfo + requestId));
            return new DerivedKeys(encryptionKey, accessToken);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(z);
        }
    }
}

/// <summary>An answer ready for <c>POST /api/requests/{id}/answers</c>.</summary>
public sealed record SealedAnswer(byte[] AccessToken, byte[] EphemeralKey, byte[] Payload)
{
    public string AccessTokenText => Base64UrlStrict.Encode(AccessToken);

    public string EphemeralKeyText => Base64UrlStrict.Encode(EphemeralKey);

    public string CiphertextText => Base64UrlStrict.Encode(Payload);
}

/// <summary>The server answered with a public key that is not the one the fill-in link names: nothing was encrypted.</summary>
public sealed class RequestKeyMismatchException() : Exception(
    "The request's public key does not match the fingerprint in the link. Nothing was encrypted or sent: ask the requester for a new link.");
