namespace SecretShare.Client;

/// <summary>A created request: the link to send, and the private inbox link to keep.</summary>
public sealed record CreatedRequest(FillInLink FillInLink, InboxLink InboxLink, DateTimeOffset ExpiresAt, int MaxAnswers, int AnswerViews);

/// <summary>An answer opened from the inbox, with the views left and whether this was the last one.</summary>
public sealed record OpenedAnswer(SecretEnvelope Envelope, int? ViewsRemaining, bool Burned);

/// <summary>The payload would exceed the server's limit: nothing was uploaded.</summary>
public sealed class AnswerTooLargeException(int payloadBytes, int maxPayloadBytes) : Exception(
    $"The answer is {payloadBytes - maxPayloadBytes} bytes over the server's limit of {maxPayloadBytes} bytes (text and files, encrypted). Nothing was sent.")
{
    public int PayloadBytes { get; } = payloadBytes;

    public int MaxPayloadBytes { get; } = maxPayloadBytes;
}

/// <summary>
/// Requests end to end (docs/spec.md section 8): the requester's key pair stays here, the sender's client checks the
/// requester's key against the link before encrypting, and answers are revealed as secrets with keys derived by ECDH.
/// </summary>
public sealed class RequestSharing(SecretShareClient client, Uri? linkBaseUrl = null)
{
    private readonly Uri _linkBaseUrl = linkBaseUrl ?? client.BaseAddress;

    /// <summary>Generates a key pair here, registers its public half and returns both links.</summary>
    public async Task<CreatedRequest> CreateAsync(
        TimeSpan? expiresIn = null, int? maxAnswers = null, int? answerViews = null, CancellationToken cancellationToken = default)
    {
        var privateKey = RequestProtocol.GenerateKeyPair();
        var publicKey = RequestProtocol.PublicKeyOf(privateKey);
        var created = await client.CreateRequestAsync(
            new CreateRequestRequest(
                Base64UrlStrict.Encode(publicKey), expiresIn is { } lifetime ? checked((int)lifetime.TotalSeconds) : null, maxAnswers, answerViews),
            cancellationToken).ConfigureAwait(false);
        return new CreatedRequest(
            new FillInLink(_linkBaseUrl, created.Id, RequestProtocol.Fingerprint(publicKey)),
            new InboxLink(_linkBaseUrl, created.Id, privateKey, created.ManageToken),
            created.ExpiresAt, created.MaxAnswers, created.AnswerViews);
    }

    /// <summary>
    /// Fetches the request's public key, refuses it when it does not match the link, refuses an answer over the
    /// server's limit before uploading, then encrypts and sends.
    /// </summary>
    /// <exception cref="RequestKeyMismatchException">The server's key is not the one the link names.</exception>
    /// <exception cref="AnswerTooLargeException">The answer is over the limit.</exception>
    /// <exception cref="SecretShareApiException">404: unknown, expired or already answered; 429.</exception>
    public async Task<CreateAnswerResponse> RespondAsync(FillInLink link, SecretEnvelope envelope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(link);
        var request = await client.GetRequestAsync(link.Id, cancellationToken).ConfigureAwait(false);
        if (!Base64UrlStrict.TryDecode(request.PublicKey, out var publicKey))
        {
            throw new RequestKeyMismatchException();
        }

        var sealedAnswer = RequestProtocol.Seal(link.Id, publicKey, link.Fingerprint, envelope);
        if (sealedAnswer.Payload.Length > request.MaxPayloadBytes)
        {
            throw new AnswerTooLargeException(sealedAnswer.Payload.Length, request.MaxPayloadBytes);
        }

        return await client.CreateAnswerAsync(
            link.Id, new CreateAnswerRequest(sealedAnswer.CiphertextText, sealedAnswer.AccessTokenText, sealedAnswer.EphemeralKeyText),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The inbox: answers (metadata only) and the request's trail.</summary>
    public Task<RequestInbox> GetInboxAsync(InboxLink link, CancellationToken cancellationToken = default) =>
        client.GetInboxAsync(link.Id, link.ManageToken, cancellationToken);

    /// <summary>Deletes the request before it expires, with the answers it has taken: nobody can answer or read it after.</summary>
    public Task DeleteAsync(InboxLink link, CancellationToken cancellationToken = default) =>
        client.DeleteRequestAsync(link.Id, link.ManageToken, cancellationToken);

    /// <summary>Reveals one answer (takes one of its views) and decrypts it.</summary>
    /// <exception cref="SecretDecryptionException">The answer does not decrypt under the inbox's key.</exception>
    public async Task<OpenedAnswer> OpenAsync(InboxLink link, InboxAnswer answer, CancellationToken cancellationToken = default)
    {
        if (!Base64UrlStrict.TryDecode(answer.EphemeralKey, out var ephemeralKey) || ephemeralKey.Length != RequestProtocol.PublicKeySize)
        {
            throw new SecretDecryptionException("The answer's ephemeral key is damaged.");
        }

        var keys = RequestProtocol.AnswerKeys(link.Id, link.PrivateKey, ephemeralKey);
        var revealed = await client.RevealAsync(answer.Id, new RevealSecretRequest(keys.AccessTokenText), cancellationToken).ConfigureAwait(false);
        if (!Base64UrlStrict.TryDecode(revealed.Ciphertext, out var payload))
        {
            throw new SecretDecryptionException("The server returned ciphertext that is not valid base64url.");
        }

        return new OpenedAnswer(RequestProtocol.Open(link.Id, payload, keys), revealed.ViewsRemaining, revealed.Burned);
    }
}
