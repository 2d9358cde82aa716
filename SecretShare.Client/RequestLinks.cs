using System.Diagnostics.CodeAnalysis;

namespace SecretShare.Client;

/// <summary>
/// The fill-in link a requester sends, <c>{baseUrl}/r/{id}#{fingerprint}</c>: the fragment is base64url(SHA-256) of the
/// requester's public key, so a sender's client can refuse a key the server swapped.
/// </summary>
public sealed record FillInLink(Uri BaseUrl, string Id, string Fingerprint)
{
    /// <exception cref="FormatException">The text is not a fill-in link; the message says why.</exception>
    public static FillInLink Parse(string link) =>
        ShareLink.TryParseParts(link, "r", "key fingerprint", out var baseUrl, out var id, out var fingerprint, out var error)
            ? new FillInLink(baseUrl, id, fingerprint)
            : throw new FormatException(error);

    public override string ToString() => $"{BaseUrl.AbsoluteUri.TrimEnd('/')}/r/{Id}#{Fingerprint}";
}

/// <summary>
/// The requester's private inbox link, <c>{baseUrl}/i/{id}#{base64url(d || X || Y)}.{manageToken}</c>: the private key
/// and the manage token travel only in the fragment, which browsers never send.
/// </summary>
public sealed record InboxLink(Uri BaseUrl, string Id, byte[] PrivateKey, string ManageToken)
{
    /// <exception cref="FormatException">The text is not an inbox link; the message says why.</exception>
    public static InboxLink Parse(string link) =>
        TryParse(link, out var result, out var error) ? result : throw new FormatException(error);

    private static bool TryParse(string link, [NotNullWhen(true)] out InboxLink? result, out string error)
    {
        result = null;
        var hash = link?.IndexOf('#') ?? -1;
        var parts = hash < 0 ? [] : link![(hash + 1)..].Trim().Split('.');
        if (parts.Length != 2 || !Base64UrlStrict.TryDecode(parts[0], out var privateKey) || privateKey.Length != RequestProtocol.PrivateKeySize)
        {
            error = "The inbox link's key after '#' is missing, damaged or incomplete. Copy the whole link, including the part after '#'.";
            return false;
        }

        // The rest is checked like a status link: the path, the id and a 32-byte token.
        if (!ShareLink.TryParseParts(link![..hash] + "#" + parts[1], "i", "manage token", out var baseUrl, out var id, out var token, out error))
        {
            return false;
        }

        result = new InboxLink(baseUrl, id, privateKey, token);
        return true;
    }

    public override string ToString() =>
        $"{BaseUrl.AbsoluteUri.TrimEnd('/')}/i/{Id}#{Base64UrlStrict.Encode(PrivateKey)}.{ManageToken}";
}
