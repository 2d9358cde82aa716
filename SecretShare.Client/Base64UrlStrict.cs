using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;

namespace SecretShare.Client;

/// <summary>
/// Strict base64url (RFC 4648 section 5, no padding). The framework's <see cref="Base64Url"/> decoder is
/// lenient (it accepts padding and skips whitespace), so decoding first checks the alphabet and the
/// length and finally requires the canonical encoding: every byte string has exactly one accepted text,
/// matching the web client's decoder.
/// </summary>
public static class Base64UrlStrict
{
    public static string Encode(ReadOnlySpan<byte> bytes) => Base64Url.EncodeToString(bytes);

    /// <exception cref="FormatException">The text is not canonical unpadded base64url.</exception>
    public static byte[] Decode(string text) =>
        TryDecode(text, out var bytes) ? bytes : throw new FormatException("The value is not valid base64url (unpadded).");

    public static bool TryDecode([NotNullWhen(true)] string? text, [NotNullWhen(true)] out byte[]? bytes)
    {
        bytes = null;
        if (text is null || text.Length % 4 == 1)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!IsAlphabet(c))
            {
                return false;
            }
        }

        byte[] decoded;
        try
        {
            decoded = Base64Url.DecodeFromChars(text);
        }
        catch (FormatException)
        {
            return false;
        }

        // Non-zero unused trailing bits decode to the same bytes as the canonical text; reject them.
        if (!string.Equals(Base64Url.EncodeToString(decoded), text, StringComparison.Ordinal))
        {
            return false;
        }

        bytes = decoded;
        return true;
    }

    private static bool IsAlphabet(char c) =>
        c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_';
}
