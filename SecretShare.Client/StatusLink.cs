namespace SecretShare.Client;

/// <summary>
/// The creator's private status link <c>{baseUrl}/status/{id}#{manageToken}</c>: the web UI shows it after creation, and
/// <c>secretshare status</c> reads it. The manage token travels only in the fragment, then in an Authorization header.
/// Links of the former form <c>{baseUrl}/m/{id}#{manageToken}</c> (already sent) are read too.
/// </summary>
public sealed record StatusLink(Uri BaseUrl, string Id, string ManageToken)
{
    /// <exception cref="FormatException">The text is not a valid status link; the message says why.</exception>
    public static StatusLink Parse(string link) =>
        ShareLink.TryParseParts(link, [Segment, FormerSegment], "manage token", out var baseUrl, out var id, out var token, out var error)
            ? new StatusLink(baseUrl, id, token)
            : throw new FormatException(error);

    private const string Segment = "status";

    // The path the status page had before it was named after its feature; the server redirects it permanently.
    private const string FormerSegment = "m";

    /// <summary>The link as text: <c>{baseUrl}/status/{id}#{manageToken}</c>.</summary>
    public override string ToString() => $"{BaseUrl.AbsoluteUri.TrimEnd('/')}/{Segment}/{Id}#{ManageToken}";
}
