namespace SecretShare.Client;

/// <summary>Choices for a new secret. Null leaves the server's default in place.</summary>
public sealed record SendOptions
{
    /// <summary>Lifetime (whole seconds are sent). Server default one day.</summary>
    public TimeSpan? ExpiresIn { get; init; }

    /// <summary>Views allowed; <see cref="ViewLimit.Unlimited"/> for no limit. Server default one view.</summary>
    public ViewLimit? MaxViews { get; init; }

    /// <summary>Whether the recipient may extend time or views later.</summary>
    public bool Extendable { get; init; }

    /// <summary>An extra passphrase to share on another channel; null or empty for none.</summary>
    public string? Passphrase { get; init; }
}

/// <summary>The result of sending: the link to share, and what only the sender keeps.</summary>
public sealed record SentSecret(
    ShareLink Link,
    string? Passphrase,
    string ManageToken,
    DateTimeOffset ExpiresAt,
    int? MaxViews,
    bool Extendable);

/// <summary>A revealed secret and the state the server reported with it.</summary>
public sealed record OpenedSecret(SecretEnvelope Envelope, int? ViewsRemaining, DateTimeOffset ExpiresAt, bool Burned)
{
    public string Text => Envelope.Text;

    public IReadOnlyList<SecretFile> Files => Envelope.Files ?? [];
}

/// <summary>
/// The end-to-end operations (encrypt and create, reveal and decrypt, delete) on top of
/// <see cref="SecretShareClient"/> and <see cref="SecretProtocol"/>. Used by the CLI and by tests.
/// </summary>
public sealed class SecretSharing
{
    private readonly SecretShareClient _client;
    private readonly Uri _linkBaseUrl;

    /// <param name="client">The API client.</param>
    /// <param name="linkBaseUrl">
    /// The public URL that links start with; defaults to the client's base address, since the web UI is
    /// served by the API from its own origin.
    /// </param>
    public SecretSharing(SecretShareClient client, Uri? linkBaseUrl = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _linkBaseUrl = linkBaseUrl ?? client.BaseAddress;
    }

    /// <summary>Encrypts <paramref name="text"/> locally and stores only the ciphertext on the server.</summary>
    public Task<SentSecret> SendAsync(string text, SendOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        return SendAsync(new SecretEnvelope(text), options, cancellationToken);
    }

    /// <summary>Encrypts an envelope (text and files) locally and stores only the ciphertext on the server.</summary>
    public async Task<SentSecret> SendAsync(SecretEnvelope envelope, SendOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        options ??= new SendOptions();
        var passphrase = string.IsNullOrEmpty(options.Passphrase) ? null : options.Passphrase;
        var sealedSecret = SecretProtocol.Seal(envelope, passphrase);

        var created = await _client.CreateAsync(
            new CreateSecretRequest(
                sealedSecret.CiphertextText,
                sealedSecret.AccessTokenText,
                options.ExpiresIn is { } lifetime ? checked((int)lifetime.TotalSeconds) : null,
                options.MaxViews,
                options.Extendable,
                passphrase is not null),
            cancellationToken).ConfigureAwait(false);

        var link = ShareLink.Create(_linkBaseUrl, created.Id, sealedSecret.LinkKey);
        return new SentSecret(link, passphrase, created.ManageToken, created.ExpiresAt, created.MaxViews, created.Extendable);
    }

    /// <summary>Reveals (takes one view) and decrypts; returns the text.</summary>
    /// <exception cref="SecretShareApiException">404 gone, 403 wrong passphrase (with attempts left), 429.</exception>
    /// <exception cref="SecretDecryptionException">The payload does not decrypt under the link's key.</exception>
    public async Task<string> OpenAsync(ShareLink link, string? passphrase = null, CancellationToken cancellationToken = default) =>
        (await RevealAsync(link, passphrase, cancellationToken).ConfigureAwait(false)).Text;

    /// <summary>Like <see cref="OpenAsync"/>, with the views left and whether this was the last one.</summary>
    public async Task<OpenedSecret> RevealAsync(ShareLink link, string? passphrase = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(link);
        var keys = SecretProtocol.DeriveKeys(link.Key, passphrase);
        var revealed = await _client.RevealAsync(link.Id, new RevealSecretRequest(keys.AccessTokenText), cancellationToken)
            .ConfigureAwait(false);

        if (!Base64UrlStrict.TryDecode(revealed.Ciphertext, out var payload))
        {
            throw new SecretDecryptionException("The server returned ciphertext that is not valid base64url.");
        }

        var envelope = SecretProtocol.Open(payload, keys);
        return new OpenedSecret(envelope, revealed.ViewsRemaining, revealed.ExpiresAt, revealed.Burned);
    }

    /// <summary>What the server knows about the secret; consumes nothing.</summary>
    public Task<SecretMetadata> GetMetadataAsync(ShareLink link, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(link);
        return _client.GetMetadataAsync(link.Id, cancellationToken);
    }

    /// <summary>Adds time and/or views to an extendable secret.</summary>
    public Task<SecretMetadata> ExtendAsync(
        ShareLink link, string? passphrase, TimeSpan? addTime = null, int? addViews = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(link);
        var keys = SecretProtocol.DeriveKeys(link.Key, passphrase);
        return _client.ExtendAsync(
            link.Id,
            new ExtendSecretRequest(keys.AccessTokenText, addTime is { } t ? checked((int)t.TotalSeconds) : null, addViews),
            cancellationToken);
    }

    /// <summary>Deletes the secret now, proving access with the link (and passphrase).</summary>
    public Task DeleteAsync(ShareLink link, string? passphrase = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(link);
        var keys = SecretProtocol.DeriveKeys(link.Key, passphrase);
        return _client.DeleteAsync(link.Id, keys.AccessTokenText, cancellationToken);
    }

    /// <summary>Deletes the secret now with the manage token returned at creation.</summary>
    public Task DeleteWithManageTokenAsync(ShareLink link, string manageToken, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(link);
        return _client.DeleteAsync(link.Id, manageToken, cancellationToken);
    }
}
