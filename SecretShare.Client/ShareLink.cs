using System.Diagnostics.CodeAnalysis;

namespace SecretShare.Client;

/// <summary>
/// A share link <c>{baseUrl}/s/{id}#{base64url(K)}</c>. The base URL may carry a path prefix
/// (<c>https://example.com/secrets/s/{id}#…</c>) and is kept with a trailing slash, so it can serve
/// directly as an HTTP client's base address. Equality compares base URL, id and key.
/// </summary>
public sealed record ShareLink
{
    /// <summary>Length of an id: 16 bytes as unpadded base64url.</summary>
    public const int IdLength = 22;

    private ShareLink(Uri baseUrl, string id, string keyText)
    {
        BaseUrl = baseUrl;
        Id = id;
        KeyText = keyText;
    }

    /// <summary>Absolute http(s) URL ending in '/', without query or fragment.</summary>
    public Uri BaseUrl { get; }

    /// <summary>The secret id (22 characters of base64url).</summary>
    public string Id { get; }

    /// <summary>The link key K as it appears in the fragment (canonical base64url, 43 characters).</summary>
    public string KeyText { get; }

    /// <summary>The link key K (a fresh copy on every call).</summary>
    public byte[] Key => Base64UrlStrict.Decode(KeyText);

    /// <exception cref="ArgumentException">The base URL, id or key is invalid.</exception>
    public static ShareLink Create(Uri baseUrl, string id, ReadOnlySpan<byte> key)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        ArgumentNullException.ThrowIfNull(id);
        if (!baseUrl.IsAbsoluteUri || (baseUrl.Scheme != Uri.UriSchemeHttp && baseUrl.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException("The base URL must be an absolute http or https URL.", nameof(baseUrl));
        }

        if (!IsValidId(id))
        {
            throw new ArgumentException("The id must be 16 bytes as 22 characters of base64url.", nameof(id));
        }

        if (key.Length != SecretProtocol.KeySize)
        {
            throw new ArgumentException($"The key must be {SecretProtocol.KeySize} bytes.", nameof(key));
        }

        return new ShareLink(NormalizeBase(baseUrl, baseUrl.AbsolutePath), id, Base64UrlStrict.Encode(key));
    }

    /// <exception cref="FormatException">The text is not a valid share link; the message says why.</exception>
    public static ShareLink Parse(string link) =>
        TryParse(link, out var result, out var error) ? result : throw new FormatException(error);

    public static bool TryParse([NotNullWhen(true)] string? link, [NotNullWhen(true)] out ShareLink? result) =>
        TryParse(link, out result, out _);

    /// <summary>True for a syntactically valid id: 22 characters of canonical base64url (16 bytes).</summary>
    public static bool IsValidId([NotNullWhen(true)] string? id) =>
        id is { Length: IdLength } && Base64UrlStrict.TryDecode(id, out var bytes) && bytes.Length == 16;

    /// <summary>The link as text: <c>{baseUrl}/s/{id}#{key}</c>.</summary>
    public override string ToString() => $"{BaseUrl.AbsoluteUri.TrimEnd('/')}/s/{Id}#{KeyText}";

    private static bool TryParse(string? link, [NotNullWhen(true)] out ShareLink? result, out string error)
    {
        result = TryParseParts(link, "s", "key", out var baseUrl, out var id, out var keyText, out error)
            ? new ShareLink(baseUrl, id, keyText)
            : null;
        return result is not null;
    }

    /// <summary>Splits <c>{baseUrl}/{segment}/{id}#{32 bytes of base64url}</c> (see the overload below).</summary>
    internal static bool TryParseParts(
        string? link, string segment, string secretName, out Uri baseUrl, out string id, out string secretText, out string error) =>
        TryParseParts(link, [segment], secretName, out baseUrl, out id, out secretText, out error);

    /// <summary>
    /// Splits <c>{baseUrl}/{segment}/{id}#{32 bytes of base64url}</c>, <c>segment</c> being one of
    /// <paramref name="segments"/> (the first is the one error messages name); <paramref name="secretName"/> names the
    /// fragment in error messages. Shared by share links (<c>/s/</c>) and status links (<c>/status/</c>).
    /// </summary>
    internal static bool TryParseParts(
        string? link, IReadOnlyList<string> segments, string secretName, out Uri baseUrl, out string id, out string secretText, out string error)
    {
        (baseUrl, id, secretText) = (null!, "", "");
        if (string.IsNullOrWhiteSpace(link)
            || !Uri.TryCreate(link.Trim(), UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            error = "The link is not an http or https URL.";
            return false;
        }

        // Like the web client, tolerate one trailing slash after the id; a query string is ignored.
        var path = uri.AbsolutePath.EndsWith('/') ? uri.AbsolutePath[..^1] : uri.AbsolutePath;
        var (marker, idStart) = (-1, 0);
        foreach (var segment in segments)
        {
            marker = path.LastIndexOf($"/{segment}/", StringComparison.Ordinal);
            idStart = marker + segment.Length + 2;
            if (marker >= 0 && IsValidId(path[idStart..]))
            {
                break;
            }

            marker = -1;
        }

        if (marker < 0)
        {
            error = $"The link does not end in /{segments[0]}/{{id}} with a valid secret id.";
            return false;
        }

        secretText = uri.Fragment.StartsWith('#') ? uri.Fragment[1..] : uri.Fragment;
        if (secretText.Length == 0)
        {
            error = $"The link has no {secretName} after '#'. Copy the whole link, including the part after '#'.";
            return false;
        }

        if (!Base64UrlStrict.TryDecode(secretText, out var secret) || secret.Length != SecretProtocol.KeySize)
        {
            error = $"The {secretName} after '#' in the link is damaged or incomplete.";
            return false;
        }

        baseUrl = NormalizeBase(uri, path[..marker]);
        id = path[idStart..];
        error = "";
        return true;
    }

    private static Uri NormalizeBase(Uri uri, string pathPrefix) =>
        new(uri.GetLeftPart(UriPartial.Authority) + pathPrefix.TrimEnd('/') + "/", UriKind.Absolute);
}
