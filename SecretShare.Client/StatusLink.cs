namespace SecretShare.Client;

/// <summary>
/// The creator's private status link <c>{baseUrl}/m/{id}#{manageToken}</c>: the web UI shows it after creation, and
/// <c>secretshare status</c> reads it. The manage token travels only in the fragment, then in an Authorization header.
/// </summary>
public sealed record StatusLink(Uri BaseUrl, string Id, string ManageToken)
{
    /// <exception cref="FormatException">The text is not a valid status link; the message says why.</exception>
    public static StatusLink Parse(string link) =>
        ShareLink.TryParseParts(link, "m", "manage token", out var baseUrl, out var id, out var token, out var error)
            ? new StatusLink(baseUrl, id, token)
            : throw new FormatException(error);

    /// <summary>The link as text: <c>{baseUrl}/m/{id}#{manageToken}</c>.</summary>
    public override string ToString() => $"{BaseUrl.AbsoluteUri.TrimEnd('/')}/m/{Id}#{ManageToken}";
}
