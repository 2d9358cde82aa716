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

    private const int MaxSafeNameLength = 200;

    /// <summary>
    /// The name reduced to one harmless file name: only the part after the last '/' or '\', without control characters,
    /// characters that Windows forbids, leading dots or trailing dots and spaces, at most 200 characters. An empty result,
    /// or "." / "..", becomes <paramref name="fallback"/>. The web client applies the same rules (js/files.js).
    /// </summary>
    public static string SafeFileName(string? name, string fallback = "file")
    {
        var text = name ?? "";
        var lastSeparator = text.LastIndexOfAny(['/', '\\']);
        text = text[(lastSeparator + 1)..];
        var builder = new System.Text.StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (!char.IsControl(c) && c is not ('<' or '>' or ':' or '"' or '|' or '?' or '*'))
            {
                builder.Append(c);
            }
        }

        text = builder.ToString().TrimStart('.', ' ').TrimEnd('.', ' ');
        if (text.Length > MaxSafeNameLength)
        {
            // Keep the extension: it is what tells the recipient's system how to open the file.
            var dot = text.LastIndexOf('.');
            var extension = dot > 0 && text.Length - dot <= 20 ? text[dot..] : "";
            text = text[..(MaxSafeNameLength - extension.Length)] + extension;
        }

        return text.Length == 0 ? fallback : text;
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
