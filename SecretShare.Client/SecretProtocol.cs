using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SecretShare.Client;

/// <summary>
/// Protocol v1 (SPEC section 1), byte for byte compatible with the web client (wwwroot/js/protocol.js):
/// <code>
/// S  = PBKDF2-HMAC-SHA256(UTF-8(NFC(P)), salt = K, 600000, 32)   or empty without a passphrase
/// EK = HKDF-SHA256(ikm = K || S, salt = empty, info = "secretshare v1 encrypt", 32)
/// AT = HKDF-SHA256(ikm = K || S, salt = empty, info = "secretshare v1 access", 32)
/// payload = 0x01 || IV(12) || AES-256-GCM(EK, IV, plaintext, aad = "secretshare v1") || tag(16)
/// </code>
/// A null or empty passphrase means "no passphrase", as in the web client.
/// </summary>
public static class SecretProtocol
{
    public const byte Version = 1;
    public const int KeySize = 32;
    public const int IvSize = 12;
    public const int TagSize = 16;
    public const int Pbkdf2Iterations = 600_000;

    /// <summary>What encryption adds to the envelope: version byte, IV and tag. The server's limit counts them.</summary>
    public const int PayloadOverhead = 1 + IvSize + TagSize;

    private static readonly byte[] EncryptInfo = "secretshare v1 encrypt"u8.ToArray();
    private static readonly byte[] AccessInfo = "secretshare v1 access"u8.ToArray();
    private static readonly byte[] Aad = "secretshare v1"u8.ToArray();

    // In globalization-invariant mode string.Normalize silently returns its input for non-ASCII text,
    // which would derive a different key than the browser for "ö" typed as o + U+0308. Detect it once.
    private static readonly bool NormalizationAvailable =
        "o\u0308".Normalize(NormalizationForm.FormC) == "\u00f6";

    // Relaxed escaping keeps non-ASCII text compact (JSON.stringify does the same); the envelope is
    // never embedded in HTML, so HTML-sensitive characters need no escaping.
    private static readonly JsonSerializerOptions EnvelopeJson = new(EnvelopeJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>A fresh link key K from the CSPRNG.</summary>
    public static byte[] GenerateKey() => RandomNumberGenerator.GetBytes(KeySize);

    /// <summary>Derives EK and AT. Runs PBKDF2 (600000 iterations) only when a passphrase is given.</summary>
    /// <exception cref="PlatformNotSupportedException">
    /// The passphrase is not ASCII and the process cannot NFC-normalize (InvariantGlobalization=true).
    /// </exception>
    public static DerivedKeys DeriveKeys(ReadOnlySpan<byte> linkKey, string? passphrase)
    {
        if (linkKey.Length != KeySize)
        {
            throw new ArgumentException($"The link key must be {KeySize} bytes.", nameof(linkKey));
        }

        var hasPassphrase = !string.IsNullOrEmpty(passphrase);
        var material = new byte[KeySize + (hasPassphrase ? KeySize : 0)];
        try
        {
            linkKey.CopyTo(material);
            if (hasPassphrase)
            {
                var passphraseBytes = Encoding.UTF8.GetBytes(NormalizePassphrase(passphrase!));
                try
                {
                    Rfc2898DeriveBytes.Pbkdf2(passphraseBytes, linkKey, material.AsSpan(KeySize), Pbkdf2Iterations, HashAlgorithmName.SHA256);
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(passphraseBytes);
                }
            }

            var encryptionKey = new byte[KeySize];
            var accessToken = new byte[KeySize];
            HKDF.DeriveKey(HashAlgorithmName.SHA256, material, encryptionKey, salt: [], EncryptInfo);
            HKDF.DeriveKey(HashAlgorithmName.SHA256, material, accessToken, salt: [], AccessInfo);
            return new DerivedKeys(encryptionKey, accessToken);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(material);
        }
    }

    /// <summary>Encrypts with a fresh random IV.</summary>
    public static byte[] EncryptPayload(ReadOnlySpan<byte> encryptionKey, ReadOnlySpan<byte> plaintext) =>
        EncryptPayload(encryptionKey, plaintext, RandomNumberGenerator.GetBytes(IvSize));

    /// <summary>Encrypts with a given IV. Only tests should choose the IV: reusing one under a key breaks GCM.</summary>
    public static byte[] EncryptPayload(ReadOnlySpan<byte> encryptionKey, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> iv) =>
        EncryptPayload(encryptionKey, plaintext, iv, Aad);

    /// <summary>The payload format with another protocol's associated data (a request's answer, <see cref="RequestProtocol"/>).</summary>
    internal static byte[] EncryptPayload(ReadOnlySpan<byte> encryptionKey, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> aad)
    {
        if (iv.Length != IvSize)
        {
            throw new ArgumentException($"The IV must be {IvSize} bytes.", nameof(iv));
        }

        var payload = new byte[PayloadOverhead + plaintext.Length];
        payload[0] = Version;
        iv.CopyTo(payload.AsSpan(1));
        using var aes = CreateAes(encryptionKey);
        aes.Encrypt(
            iv,
            plaintext,
            payload.AsSpan(1 + IvSize, plaintext.Length),
            payload.AsSpan(1 + IvSize + plaintext.Length, TagSize),
            aad);
        return payload;
    }

    /// <exception cref="SecretDecryptionException">Wrong key, tampered data or unknown version.</exception>
    public static byte[] DecryptPayload(ReadOnlySpan<byte> encryptionKey, ReadOnlySpan<byte> payload) =>
        DecryptPayload(encryptionKey, payload, Aad);

    /// <exception cref="SecretDecryptionException">Wrong key, tampered data or unknown version.</exception>
    internal static byte[] DecryptPayload(ReadOnlySpan<byte> encryptionKey, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> aad)
    {
        if (payload.Length < PayloadOverhead)
        {
            throw new SecretDecryptionException("The encrypted data is too short.");
        }

        if (payload[0] != Version)
        {
            throw new SecretDecryptionException($"Unsupported protocol version {payload[0]}.");
        }

        var cipherLength = payload.Length - 1 - IvSize - TagSize;
        var plaintext = new byte[cipherLength];
        using var aes = CreateAes(encryptionKey);
        try
        {
            aes.Decrypt(
                payload.Slice(1, IvSize),
                payload.Slice(1 + IvSize, cipherLength),
                payload.Slice(1 + IvSize + cipherLength, TagSize),
                plaintext,
                aad);
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new SecretDecryptionException(
                "The secret could not be decrypted (wrong key or passphrase, or corrupted data).", ex);
        }

        return plaintext;
    }

    public static byte[] EncodeEnvelope(SecretEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(envelope.Text);
        return JsonSerializer.SerializeToUtf8Bytes(envelope, EnvelopeJson.GetTypeInfo(typeof(SecretEnvelope)));
    }

    /// <exception cref="SecretDecryptionException">The plaintext is not a JSON object envelope.</exception>
    public static SecretEnvelope DecodeEnvelope(ReadOnlySpan<byte> plaintext)
    {
        SecretEnvelope? envelope;
        try
        {
            // The web client reads a missing or null text as "", so do the same.
            envelope = JsonSerializer.Deserialize(plaintext, EnvelopeJsonContext.Default.SecretEnvelope);
        }
        catch (JsonException ex)
        {
            throw new SecretDecryptionException("The decrypted data is not a valid envelope.", ex);
        }

        if (envelope is null)
        {
            throw new SecretDecryptionException("The decrypted data is not a valid envelope.");
        }

        if (envelope.Files?.Any(file => file is null || file.Name is null || file.Data is null) == true)
        {
            throw new SecretDecryptionException("The decrypted data is not a valid envelope: every file needs a name and data.");
        }

        return envelope.Text is null ? envelope with { Text = "" } : envelope;
    }

    /// <summary>The size of the payload this envelope encrypts to, which is what the server's limit applies to.</summary>
    public static int PayloadSize(SecretEnvelope envelope) => EncodeEnvelope(envelope).Length + PayloadOverhead;

    /// <summary>Encrypts an envelope under a fresh link key and IV.</summary>
    public static SealedSecret Seal(SecretEnvelope envelope, string? passphrase) =>
        Seal(envelope, passphrase, GenerateKey(), RandomNumberGenerator.GetBytes(IvSize));

    /// <summary>Encrypts an envelope under a given link key and IV (for test vectors).</summary>
    public static SealedSecret Seal(SecretEnvelope envelope, string? passphrase, ReadOnlySpan<byte> linkKey, ReadOnlySpan<byte> iv)
    {
        var keys = DeriveKeys(linkKey, passphrase);
        try
        {
            var payload = EncryptPayload(keys.EncryptionKey, EncodeEnvelope(envelope), iv);
            return new SealedSecret(linkKey.ToArray(), keys.AccessToken, payload);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keys.EncryptionKey);
        }
    }

    /// <summary>Decrypts a payload with already derived keys (the caller needed AT first anyway).</summary>
    public static SecretEnvelope Open(ReadOnlySpan<byte> payload, DerivedKeys keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return DecodeEnvelope(DecryptPayload(keys.EncryptionKey, payload));
    }

    /// <summary>Derives the keys and decrypts a payload.</summary>
    public static SecretEnvelope Open(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> linkKey, string? passphrase) =>
        Open(payload, DeriveKeys(linkKey, passphrase));

    private static AesGcm CreateAes(ReadOnlySpan<byte> encryptionKey)
    {
        if (encryptionKey.Length != KeySize)
        {
            throw new ArgumentException($"The encryption key must be {KeySize} bytes.", nameof(encryptionKey));
        }

        return new AesGcm(encryptionKey, TagSize);
    }

    private static string NormalizePassphrase(string passphrase)
    {
        if (NormalizationAvailable)
        {
            return passphrase.Normalize(NormalizationForm.FormC);
        }

        // ASCII is always NFC; anything else cannot be normalized here and must not be guessed.
        if (Ascii.IsValid(passphrase))
        {
            return passphrase;
        }

        throw new PlatformNotSupportedException(
            "Unicode normalization (NFC) is unavailable because the process runs in globalization-invariant mode, " +
            "so a non-ASCII passphrase cannot be used. Run with InvariantGlobalization=false.");
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SecretEnvelope))]
internal sealed partial class EnvelopeJsonContext : JsonSerializerContext;
