namespace SecretShare.Storage.Secrets;

/// <summary>
/// Everything the server knows about a secret except its ciphertext. Tokens are stored only as SHA-256 hashes.
/// <paramref name="ExpiresAtLimit"/> is the latest expiry the secret can ever reach: creation + the maximum lifetime
/// when it is extendable, else its expiry.
/// </summary>
public sealed record SecretState(
    string Id,
    byte[] AccessHash,
    byte[] ManageHash,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset ExpiresAtLimit,
    int? MaxViews,
    int Views,
    int FailedAttempts,
    bool Extendable,
    bool PassphraseProtected)
{
    /// <summary>All views were taken. Such a row is deleted in the same operation, but DynamoDB needs a second call.</summary>
    public bool IsExhausted => MaxViews is { } max && Views >= max;

    public bool IsExpiredAt(DateTimeOffset now) => ExpiresAt <= now;

    /// <summary>Not expired and a view left: the DynamoDB side of what PostgreSQL's statements say in their <c>WHERE</c>.</summary>
    public bool IsLiveAt(DateTimeOffset now) => !IsExpiredAt(now) && !IsExhausted;

    /// <summary><c>null</c> means unlimited views until expiry.</summary>
    public int? ViewsRemaining => MaxViews is { } max ? Math.Max(0, max - Views) : null;

    /// <summary>What anyone holding the id may learn.</summary>
    public SecretMetadata Metadata => new(Id, ExpiresAt, MaxViews, Views, Extendable, PassphraseProtected);

    /// <summary>
    /// The limit of a secret stored before limits were stored: the default maximum lifetime (90 days) for an extendable
    /// one. Migration 0004 gives PostgreSQL rows the same.
    /// </summary>
    public static DateTimeOffset LegacyExpiresAtLimit(DateTimeOffset createdAt, DateTimeOffset expiresAt, bool extendable) =>
        extendable && createdAt.AddDays(90) > expiresAt ? createdAt.AddDays(90) : expiresAt;
}

/// <summary>What the server tells about a live secret (GET metadata, and the answer to an extension).</summary>
public sealed record SecretMetadata(string Id, DateTimeOffset ExpiresAt, int? MaxViews, int Views, bool Extendable, bool PassphraseProtected)
{
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
/// <param name="AddTime">Added to the expiry, which never passes now + <paramref name="MaxExpiresIn"/> nor the secret's <c>ExpiresAtLimit</c>.</param>
/// <param name="AddViews">Added to a limited <c>maxViews</c>; the result may not exceed <paramref name="ViewsLimit"/>.</param>
public sealed record SecretExtension(TimeSpan AddTime, int AddViews, TimeSpan MaxExpiresIn, int ViewsLimit)
{
    /// <summary>
    /// The secret after this extension, or <c>null</c> when it is out of bounds: views added to an unlimited secret or
    /// past the limit, or no views and an expiry that cannot move. The same rule as <c>secret_extend</c> (migration 0004).
    /// </summary>
    public SecretState? ApplyTo(SecretState state, DateTimeOffset now)
    {
        var latest = Min(now + MaxExpiresIn, state.ExpiresAtLimit);
        var expiresAt = Max(state.ExpiresAt, Min(state.ExpiresAt + AddTime, latest));
        if (AddViews > 0 ? state.MaxViews is not { } max || max + AddViews > ViewsLimit : expiresAt == state.ExpiresAt)
        {
            return null;
        }

        return state with { ExpiresAt = expiresAt, MaxViews = state.MaxViews + AddViews };
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
