using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SecretShare.Client;

/// <summary>
/// The plaintext inside a payload: <c>{"text": "...", "files": [{"name", "type", "data"}]}</c> (docs/design.md,
/// "Files"). <c>files</c> is left out when there are none, so a text-only envelope is the one of the test vectors.
/// Unknown fields are ignored when reading.
/// </summary>
public sealed record SecretEnvelope(string Text, IReadOnlyList<SecretFile>? Files = null);

/// <summary>
/// A file carried inside the envelope. <see cref="Name"/> is what the sender's file was called (not a safe path:
/// see <see cref="SecretFile.SafeFileName"/>), <see cref="Type"/> the declared media type (informational only),
/// <see cref="Data"/> the bytes, base64url without padding on the wire.
/// </summary>
public sealed record SecretFile(
    string Name,
    string? Type,
    [property: JsonConverter(typeof(Base64UrlBytesConverter))] byte[] Data)
{
    /// <summary>The type recorded when the sender's platform knows none.</summary>
    public const string DefaultType = "application/octet-stream";

    /// <summary>At most this many bytes of UTF-8: under every common file system's limit (255 bytes on Linux, 255 UTF-16 units on Windows).</summary>
    private const int MaxSafeNameBytes = 200;

    /// <summary>An extension up to this many characters (dot included) is kept when a long name is cut.</summary>
    private const int MaxKeptExtensionLength = 20;

    /// <summary>
    /// The name reduced to one harmless file name: only the part after the last '/' or '\'; without control characters,
    /// format characters (bidirectional overrides such as U+202E, zero-width characters), line or paragraph separators,
    /// unpaired surrogates or the characters Windows forbids; without leading dots and spaces or trailing dots and
    /// spaces; at most 200 bytes of UTF-8, cut between text elements (what a reader sees as one character, never inside
    /// a surrogate pair or before a combining mark) and keeping a short extension; and a Windows device name (CON, NUL,
    /// COM1, "NUL.txt") gets a leading '_'. An empty result, or "." / "..", becomes <paramref name="fallback"/>. The web
    /// client applies the same rules (js/files.js).
    /// </summary>
    public static string SafeFileName(string? name, string fallback = "file")
    {
        var text = name ?? "";
        text = text[(text.LastIndexOfAny(['/', '\\']) + 1)..];
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length;)
        {
            // An unpaired surrogate decodes as invalid, one char long, and is dropped.
            if (Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var length) == OperationStatus.Done && IsKept(rune))
            {
                builder.Append(text, i, length);
            }

            i += length;
        }

        text = Trim(builder.ToString());
        if (IsWindowsDeviceName(text))
        {
            text = "_" + text;
        }

        if (Encoding.UTF8.GetByteCount(text) > MaxSafeNameBytes)
        {
            // Keep the extension: it is what tells the recipient's system how to open the file.
            var dot = text.LastIndexOf('.');
            var extension = dot > 0 && text.Length - dot <= MaxKeptExtensionLength ? text[dot..] : "";
            text = Trim(CutToBytes(text[..^extension.Length], MaxSafeNameBytes - Encoding.UTF8.GetByteCount(extension)) + extension);
        }

        return text.Length == 0 ? fallback : text;
    }

    private static bool IsKept(Rune rune) =>
        Rune.GetUnicodeCategory(rune) is not (UnicodeCategory.Control or UnicodeCategory.Format
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate)
        && rune.Value is not ('<' or '>' or ':' or '"' or '|' or '?' or '*');

    private static string Trim(string text) => text.TrimStart('.', ' ').TrimEnd('.', ' ');

    /// <summary>The longest prefix made of whole text elements (grapheme clusters) that fits in <paramref name="maxBytes"/> of UTF-8.</summary>
    private static string CutToBytes(string text, int maxBytes)
    {
        var end = 0;
        var bytes = 0;
        while (end < text.Length)
        {
            var length = StringInfo.GetNextTextElementLength(text.AsSpan(end));
            var size = Encoding.UTF8.GetByteCount(text.AsSpan(end, length));
            if (bytes + size > maxBytes)
            {
                break;
            }

            bytes += size;
            end += length;
        }

        return text[..end];
    }

    /// <summary>
    /// CON, PRN, AUX, NUL, COM0-9, LPT0-9 (also with superscript ¹²³), CONIN$ and CONOUT$ name devices on Windows, with any
    /// extension and trailing spaces: "NUL.txt" opens the null device, not a file.
    /// </summary>
    private static bool IsWindowsDeviceName(string text)
    {
        var dot = text.IndexOf('.');
        var stem = (dot < 0 ? text : text[..dot]).TrimEnd(' ').ToUpperInvariant();
        return stem is "CON" or "PRN" or "AUX" or "NUL" or "CONIN$" or "CONOUT$"
            || (stem.Length == 4 && (stem.StartsWith("COM", StringComparison.Ordinal) || stem.StartsWith("LPT", StringComparison.Ordinal))
                && stem[3] is >= '0' and <= '9' or '\u00b9' or '\u00b2' or '\u00b3');
    }
}

/// <summary>byte[] as unpadded base64url (SPEC section 1: all binary values in JSON), not the serializer's padded base64.</summary>
internal sealed class Base64UrlBytesConverter : JsonConverter<byte[]>
{
    public override byte[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && Base64UrlStrict.TryDecode(reader.GetString(), out var bytes)
            ? bytes
            : throw new JsonException("File data must be a base64url string without padding.");

    public override void Write(Utf8JsonWriter writer, byte[] value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Base64UrlStrict.Encode(value));
}
