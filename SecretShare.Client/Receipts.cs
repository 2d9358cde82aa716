using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SecretShare.Client;

/// <summary>
/// Receipts (docs/spec.md, "Receipts"): the canonical bytes the server signs, and what a client checks by itself:
/// the signature, the chain's internal consistency, and whether a receipt extends what this device saw before.
/// The web status page (wwwroot/js/receipt.js) implements the same rules; the spec's test vector pins both.
/// </summary>
public static partial class ReceiptFormat
{
    public const string Version = "secretshare-receipt-v1";

    /// <summary>The <c>prevHash</c> of event 1: 32 zero bytes in base64url.</summary>
    public static string Genesis { get; } = Base64UrlStrict.Encode(new byte[32]);

    /// <summary>
    /// The UTF-8 of the lines below joined by <c>\n</c>: the format, the receipt's fields, then eight lines per event.
    /// Times are Unix seconds, absent values empty lines; hashes and ids are the base64url text as served.
    /// </summary>
    public static byte[] CanonicalBytes(SecretStatus receipt)
    {
        var lines = new List<string>
        {
            Version,
            receipt.Id,
            Seconds(receipt.IssuedAt),
            receipt.Status,
            Seconds(receipt.ExpiresAt),
            Number(receipt.ViewsRemaining),
            receipt.Chain.Verified ? "true" : "false",
            Number(receipt.Chain.Length),
            receipt.Chain.HeadHash,
            receipt.Chain.Problem ?? "",
            Number(receipt.Events.Count),
        };
        lines.AddRange(receipt.Events.SelectMany(EventLines));
        return Encoding.UTF8.GetBytes(string.Join('\n', lines));
    }

    /// <summary>What a device remembers of the events it saw: SHA-256 over the canonical lines of events 1..count.</summary>
    public static string Digest(IEnumerable<SecretEvent> events, int count) =>
        Base64UrlStrict.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', events.Take(count).SelectMany(EventLines)))));

    private static IEnumerable<string> EventLines(SecretEvent e) =>
        [Number(e.Seq), e.Type, Seconds(e.OccurredAt), Number(e.ViewsRemaining), e.Detail ?? "", e.KeyId ?? "", e.PrevHash, e.Hash];

    private static string Seconds(DateTimeOffset time) => time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    private static string Number(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";

    /// <summary>The RFC 7638 thumbprint of an EC P-256 key: base64url SHA-256 of its required members in order.</summary>
    public static string Thumbprint(ReceiptPublicKey key) =>
        Base64UrlStrict.Encode(SHA256.HashData(Encoding.UTF8.GetBytes($$"""{"crv":"{{key.Crv}}","kty":"{{key.Kty}}","x":"{{key.X}}","y":"{{key.Y}}"}""")));

    /// <summary>Whether the receipt carries an ES256 signature by <paramref name="key"/> over its canonical bytes.</summary>
    public static bool HasValidSignature(SecretStatus receipt, ReceiptPublicKey key)
    {
        if (receipt.Signature is not { Alg: "ES256" } signature || signature.KeyId != key.Kid || !IsUsable(key) ||
            !Base64UrlStrict.TryDecode(signature.Value, out var value) || value.Length != 64 ||
            !Base64UrlStrict.TryDecode(key.X, out var x) || !Base64UrlStrict.TryDecode(key.Y, out var y) || x.Length != 32 || y.Length != 32)
        {
            return false;
        }

        try
        {
            using var ecdsa = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = x, Y = y } });
            return ecdsa.VerifyData(CanonicalBytes(receipt), value, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        catch (CryptographicException)
        {
            // Not a point on the curve.
            return false;
        }
    }

    private static bool IsUsable(ReceiptPublicKey key) => key is { Kty: "EC", Crv: "P-256", Alg: "ES256", Use: "sig" };

    /// <summary>
    /// What a client can check without the server's key: events 1..n in order, each linking to the one before (the first
    /// to <see cref="Genesis"/>), the head naming the last, a terminal event only at the end and matching the status, and
    /// the server's own verdict. The first problem found, or <c>null</c>.
    /// </summary>
    public static string? ChainProblem(SecretStatus receipt)
    {
        var previous = Genesis;
        for (var i = 0; i < receipt.Events.Count; i++)
        {
            var e = receipt.Events[i];
            if (e.Seq != i + 1)
            {
                return $"event {i + 1} is missing (found event {e.Seq} in its place)";
            }

            if (e.PrevHash != previous)
            {
                return $"event {e.Seq} does not link to event {i}: events were changed, removed or reordered";
            }

            if (i == 0 != (e.Type == "created"))
            {
                return $"event {e.Seq} is '{e.Type}': only the first event is 'created'";
            }

            if (IsTerminal(e.Type) && i != receipt.Events.Count - 1)
            {
                return $"event {e.Seq} ended the secret, yet more events follow";
            }

            previous = e.Hash;
        }

        if (receipt.Events.Count == 0 || receipt.Chain.Length != receipt.Events.Count || receipt.Chain.HeadHash != previous)
        {
            return $"the receipt's head (event {receipt.Chain.Length}) is not its last event ({receipt.Events.Count})";
        }

        var last = receipt.Events[^1].Type;
        if (receipt.Status != (IsTerminal(last) ? last : "active"))
        {
            return $"the status '{receipt.Status}' does not match the last event '{last}'";
        }

        return receipt.Chain.Verified ? null : $"the server reports the history broken: {receipt.Chain.Problem}";
    }

    private static bool IsTerminal(string type) => type is "burned" or "deleted" or "expired";

    /// <summary>
    /// Trust on first use of the key set: <paramref name="seen"/> maps key id → thumbprint from earlier runs (empty at
    /// first). A set that gives a known key id another key, or shares no key with what was seen, is an unannounced key
    /// change. Returns the problem (or <c>null</c>) and the fetched set's thumbprints, to remember.
    /// </summary>
    public static (string? Problem, Dictionary<string, string> Keys) CheckKeySet(IReadOnlyDictionary<string, string> seen, ReceiptKeySet set)
    {
        var keys = set.Keys.ToDictionary(k => k.Kid, Thumbprint, StringComparer.Ordinal);
        var changed = seen.Any(pair => keys.TryGetValue(pair.Key, out var now) && now != pair.Value)
            || (seen.Count > 0 && !seen.Any(pair => keys.GetValueOrDefault(pair.Key) == pair.Value));
        return (changed ? "the server's signing keys changed without notice since this device last saw them" : null, keys);
    }

    /// <summary>Whether the receipt extends what this device saw of the secret: at least as long, its first events the very ones seen.</summary>
    public static string? MemoryProblem(SecretStatus receipt, SeenEvents? seen)
    {
        if (seen is null)
        {
            return null;
        }

        if (receipt.Events.Count < seen.Seq)
        {
            return $"this device saw {seen.Seq} events, but the history now has only {receipt.Events.Count}: it was cut back";
        }

        return receipt.Events[seen.Seq - 1].Hash != seen.Head || Digest(receipt.Events, seen.Seq) != seen.Digest
            ? $"the first {seen.Seq} events differ from what this device saw: the history was rewritten"
            : null;
    }

    /// <summary>What to remember of a receipt that checked out.</summary>
    public static SeenEvents Remember(SecretStatus receipt) =>
        new(receipt.Events.Count, receipt.Events[^1].Hash, Digest(receipt.Events, receipt.Events.Count));

    /// <summary>
    /// Parses a downloaded receipt file (<c>{"format", "receipt", "key"}</c>) strictly: printable ASCII without escapes,
    /// exactly the documented properties, case-sensitive, times as <c>yyyy-MM-ddTHH:mm:ss+00:00</c>; anything else is
    /// a <see cref="FormatException"/>, so that no byte of the file can change without the check noticing.
    /// </summary>
    public static (SecretStatus Receipt, ReceiptPublicKey Key) ParseFile(ReadOnlySpan<byte> file)
    {
        // Every value is printable ASCII that needs no escape, so a file with an escape ("\u0041" for "A") or any
        // other byte is not one the status page wrote: refusing them leaves each value exactly one spelling.
        if (file.IndexOfAnyExceptInRange((byte)0x20, (byte)0x7e) >= 0 || file.Contains((byte)'\\'))
        {
            throw new FormatException("Not a valid receipt file: only printable ASCII without escapes may appear in it.");
        }

        try
        {
            using var document = JsonDocument.Parse(file.ToArray(), new JsonDocumentOptions { AllowDuplicateProperties = false });
            var root = Object(document.RootElement, "format", "receipt", "key");
            if (Text(root["format"]) != Version)
            {
                throw new FormatException($"Not a {Version} file.");
            }

            var r = Object(root["receipt"], "id", "status", "expiresAt", "viewsRemaining", "events", "chain", "issuedAt", "signature");
            var chain = Object(r["chain"], "verified", "length", "headHash", "problem");
            var signature = Object(r["signature"], "alg", "keyId", "value");
            var k = Object(root["key"], "kty", "crv", "kid", "x", "y", "alg", "use");
            if (r["events"].ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("'events' must be an array.");
            }

            var events = r["events"].EnumerateArray().Select(element =>
            {
                var e = Object(element, "seq", "type", "occurredAt", "viewsRemaining", "detail", "keyId", "prevHash", "hash");
                return new SecretEvent(
                    Int(e["seq"]), Text(e["type"]), Time(e["occurredAt"]), NullableInt(e["viewsRemaining"]), NullableText(e["detail"]),
                    Text(e["hash"]), Text(e["prevHash"]), NullableText(e["keyId"]));
            }).ToList();
            var receipt = new SecretStatus(
                Text(r["id"]), Text(r["status"]), Time(r["expiresAt"]), NullableInt(r["viewsRemaining"]), events,
                new ChainVerdict(Bool(chain["verified"]), Int(chain["length"]), Text(chain["headHash"]), NullableText(chain["problem"])),
                Time(r["issuedAt"]),
                new ReceiptSignature(Text(signature["alg"]), Text(signature["keyId"]), Text(signature["value"])));
            var key = new ReceiptPublicKey(Text(k["kty"]), Text(k["crv"]), Text(k["kid"]), Text(k["x"]), Text(k["y"]), Text(k["alg"]), Text(k["use"]));
            return (receipt, key);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            throw new FormatException($"Not a valid receipt file: {ex.Message}", ex);
        }
    }

    private static Dictionary<string, JsonElement> Object(JsonElement element, params string[] names)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"Expected an object with {string.Join(", ", names)}.");
        }

        var properties = element.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
        if (properties.Count != names.Length || names.Any(name => !properties.ContainsKey(name)))
        {
            throw new FormatException($"Expected exactly the properties {string.Join(", ", names)}; found {string.Join(", ", properties.Keys)}.");
        }

        return properties;
    }

    private static string Text(JsonElement element) =>
        element.ValueKind == JsonValueKind.String && element.GetString() is { } text && !text.Any(char.IsControl)
            ? text
            : throw new FormatException("Expected a string without control characters.");

    private static string? NullableText(JsonElement element) => element.ValueKind == JsonValueKind.Null ? null : Text(element);

    private static int Int(JsonElement element) =>
        element.ValueKind == JsonValueKind.Number && IntegerPattern().IsMatch(element.GetRawText()) && element.TryGetInt32(out var value)
            ? value
            : throw new FormatException("Expected an integer.");

    private static int? NullableInt(JsonElement element) => element.ValueKind == JsonValueKind.Null ? null : Int(element);

    private static bool Bool(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw new FormatException("Expected true or false."),
    };

    private static DateTimeOffset Time(JsonElement element) =>
        TimePattern().IsMatch(Text(element)) && DateTimeOffset.TryParseExact(
            element.GetString(), "yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time
            : throw new FormatException("Expected a time as yyyy-MM-ddTHH:mm:ss+00:00.");

    [GeneratedRegex("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\+00:00$")]
    private static partial Regex TimePattern();

    [GeneratedRegex("^(0|-?[1-9][0-9]*)$")]
    private static partial Regex IntegerPattern();
}

/// <summary>What a device remembers of one secret's history: how many events it saw, the last one's hash, and their digest.</summary>
public sealed record SeenEvents(int Seq, string Head, string Digest);
