namespace SecretShare.Storage.Secrets;

/// <summary>
/// Everything the server knows about a secret except its ciphertext. Tokens are stored only as SHA-256 hashes.
/// </summary>
public sealed record SecretState(
    string Id,
    byte[] AccessHash,
    byte[] ManageHash,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    int? MaxViews,
    int Views,
    int FailedAttempts,
    bool Extendable,
    bool PassphraseProtected)
{
    /// <summary>All views were taken. Such a row is deleted in the same operation, but DynamoDB needs a second call.</summary>
    public bool IsExhausted => MaxViews is { } max && Views >= max;

    public bool IsExpiredAt(DateTimeOffset now) => ExpiresAt <= now;

    /// <summary><c>null</c> means unlimited views until expiry.</summary>
    public int? ViewsRemaining => MaxViews is { } max ? Math.Max(0, max - Views) : null;
}

/// <summary>A secret as created: its state and the encrypted payload.</summary>
public sealed record NewSecret(SecretState State, byte[] Ciphertext);

/// <summary>What one successful reveal took: the payload and the counters after this view.</summary>
public sealed record RevealedSecret(byte[] Ciphertext, int? MaxViews, int Views, DateTimeOffset ExpiresAt)
{
    /// <summary>This view was the last one: the secret has been deleted.</summary>
    public bool Burned => MaxViews is { } max && Views >= max;

    public int? ViewsRemaining => MaxViews is { } max ? Math.Max(0, max - Views) : null;
}

/// <summary>An extension request, with the limits it must stay within.</summary>
/// <param name="AddTime">Added to the expiry, which is then capped at <paramref name="LatestExpiry"/>.</param>
/// <param name="AddViews">Added to a limited <c>maxViews</c>; the result may not exceed <paramref name="ViewsLimit"/>.</param>
public sealed record SecretExtension(TimeSpan AddTime, int AddViews, DateTimeOffset LatestExpiry, int ViewsLimit)
{
    public DateTimeOffset ExtendExpiry(DateTimeOffset expiresAt) =>
        expiresAt + AddTime < LatestExpiry ? expiresAt + AddTime : LatestExpiry;

    /// <summary>Whether the views part can apply to a secret with this <c>maxViews</c>.</summary>
    public bool FitsViews(int? maxViews) => AddViews == 0 || (maxViews is { } max && max + AddViews <= ViewsLimit);
}
