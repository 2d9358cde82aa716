using System.Buffers.Text;
using System.Security.Cryptography;

namespace SecretShare.Api.Secrets;

/// <summary>Ids, tokens and their hashes (SPEC sections 1 and 2). All travel as base64url without padding.</summary>
public static class SecretTokens
{
    public const int IdBytes = 16;
    public const int TokenBytes = 32;

    /// <summary>22 characters: 16 random bytes.</summary>
    public static string NewId() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(IdBytes));

    public static byte[] NewToken() => RandomNumberGenerator.GetBytes(TokenBytes);

    public static byte[] Hash(byte[] token) => SHA256.HashData(token);

    /// <summary>A well-formed id is the canonical encoding of 16 bytes; anything else cannot exist.</summary>
    public static bool IsWellFormedId(string id) =>
        id.Length == 22 && TryDecode(id, out var bytes) && bytes.Length == IdBytes;

    /// <summary>
    /// Strict base64url: the URL-safe alphabet only, no padding, no whitespace, and the canonical text only: every value
    /// has exactly one accepted text, as in both clients (SPEC section 1). .NET 10's decoder already refuses non-zero
    /// unused trailing bits, but does not document it; the round trip below states the rule instead of relying on that.
    /// </summary>
    public static bool TryDecode(string? text, out byte[] bytes)
    {
        bytes = [];
        if (text is null || text.Length % 4 == 1 || !text.AsSpan().ContainsOnlyBase64UrlAlphabet())
        {
            return false;
        }

        try
        {
            bytes = Base64Url.DecodeFromChars(text);
        }
        catch (FormatException)
        {
            return false;
        }

        if (!string.Equals(Base64Url.EncodeToString(bytes), text, StringComparison.Ordinal))
        {
            bytes = [];
            return false;
        }

        return true;
    }

    /// <summary>A short, non-identifying prefix for logs: never log a full id.</summary>
    public static string Redact(string id) => id.Length > 4 ? id[..4] + "…" : "…";

    private static bool ContainsOnlyBase64UrlAlphabet(this ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_')
            {
                return false;
            }
        }

        return true;
    }
}
